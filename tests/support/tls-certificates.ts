import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CertificatePlan } from "../../stacks/backup/pgbackrest-certificates.js";
import { requireBinary } from "./binaries.js";

/** Key usages of the TLS provider's vocabulary, as OpenSSL's keyUsage and extendedKeyUsage name them. */
const KEY_USAGE: Readonly<Record<string, string>> = { digital_signature: "digitalSignature", key_encipherment: "keyEncipherment", cert_signing: "keyCertSign", crl_signing: "cRLSign" };
const EXTENDED_USAGE: Readonly<Record<string, string>> = { server_auth: "serverAuth", client_auth: "clientAuth" };

/** PEM files of one issued certificate. */
export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
}

function extensions(plan: CertificatePlan, ca: boolean, ipAddresses: readonly string[]): string {
  const usage = plan.uses.filter((u) => KEY_USAGE[u]).map((u) => KEY_USAGE[u]);
  const extended = plan.uses.filter((u) => EXTENDED_USAGE[u]).map((u) => EXTENDED_USAGE[u]);
  return [
    `basicConstraints=critical,CA:${ca ? "TRUE" : "FALSE"}`,
    `keyUsage=critical,${usage.join(",")}`,
    ...(extended.length > 0 ? [`extendedKeyUsage=${extended.join(",")}`] : []),
    ...(plan.dnsNames.length + ipAddresses.length > 0 ? [`subjectAltName=${[...ipAddresses.map((a) => `IP:${a}`), ...plan.dnsNames.map((n) => `DNS:${n}`)].join(",")}`] : []),
  ].join("\n");
}

/**
 * Issues a plan's certificate with OpenSSL as the TLS provider would: an ECDSA P-256 key, the plan's subject, names
 * (and `ipAddresses`), usages and validity; self-signed as a CA without `issuer`.
 */
export function issueCertificate(dir: string, name: string, plan: CertificatePlan, issuer?: IssuedCertificate, ipAddresses: readonly string[] = []): IssuedCertificate {
  const openssl = requireBinary("openssl", "openssl");
  const [key, cert, csr, ext] = ["key", "crt", "csr", "ext"].map((suffix) => join(dir, `${name}.${suffix}`)) as [string, string, string, string];
  writeFileSync(ext, `${extensions(plan, issuer === undefined, ipAddresses)}\n`);
  const days = String(Math.ceil(plan.validityHours / 24));
  execFileSync(openssl, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  execFileSync(openssl, ["req", "-new", "-key", key, "-subj", `/CN=${plan.commonName}`, "-out", csr]);
  const signer = issuer ? ["-CA", issuer.cert, "-CAkey", issuer.key, "-CAcreateserial"] : ["-signkey", key];
  execFileSync(openssl, ["x509", "-req", "-in", csr, ...signer, "-days", days, "-extfile", ext, "-out", cert], { stdio: "pipe" });
  return { cert, key };
}

/** PEM files of a throwaway certificate authority and of a server certificate it signed. */
export interface LoopbackCertificates {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * A CA and a two-day server certificate for 127.0.0.1, in subjectAltName both as an IP (what Node checks) and as a DNS
 * name (pgBackRest 2.45 compares only DNS entries).
 */
export function issueLoopbackCertificate(dir: string): LoopbackCertificates {
  const days = { validityHours: 48, earlyRenewalHours: 0 };
  const ca = issueCertificate(dir, "loopback-ca", { commonName: "backup tests CA", dnsNames: [], uses: ["cert_signing", "crl_signing", "digital_signature"], ...days });
  const server = issueCertificate(dir, "loopback", { commonName: "127.0.0.1", dnsNames: ["127.0.0.1"], uses: ["digital_signature", "key_encipherment", "server_auth"], ...days }, ca, ["127.0.0.1"]);
  return { caFile: ca.cert, certFile: server.cert, keyFile: server.key };
}

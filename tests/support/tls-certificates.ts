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

function extensions(plan: CertificatePlan, ca: boolean): string {
  const usage = plan.uses.filter((u) => KEY_USAGE[u]).map((u) => KEY_USAGE[u]);
  const extended = plan.uses.filter((u) => EXTENDED_USAGE[u]).map((u) => EXTENDED_USAGE[u]);
  return [
    `basicConstraints=critical,CA:${ca ? "TRUE" : "FALSE"}`,
    `keyUsage=critical,${usage.join(",")}`,
    ...(extended.length > 0 ? [`extendedKeyUsage=${extended.join(",")}`] : []),
    ...(plan.dnsNames.length > 0 ? [`subjectAltName=${plan.dnsNames.map((n) => `DNS:${n}`).join(",")}`] : []),
  ].join("\n");
}

/**
 * Issues a plan's certificate with OpenSSL as the TLS provider would: an ECDSA P-256 key, the plan's subject, names,
 * usages and validity; self-signed as a CA without `issuer`.
 */
export function issueCertificate(dir: string, name: string, plan: CertificatePlan, issuer?: IssuedCertificate): IssuedCertificate {
  const openssl = requireBinary("openssl", "openssl");
  const [key, cert, csr, ext] = ["key", "crt", "csr", "ext"].map((suffix) => join(dir, `${name}.${suffix}`)) as [string, string, string, string];
  writeFileSync(ext, `${extensions(plan, issuer === undefined)}\n`);
  const days = String(Math.ceil(plan.validityHours / 24));
  execFileSync(openssl, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  execFileSync(openssl, ["req", "-new", "-key", key, "-subj", `/CN=${plan.commonName}`, "-out", csr]);
  const signer = issuer ? ["-CA", issuer.cert, "-CAkey", issuer.key, "-CAcreateserial"] : ["-signkey", key];
  execFileSync(openssl, ["x509", "-req", "-in", csr, ...signer, "-days", days, "-extfile", ext, "-out", cert], { stdio: "pipe" });
  return { cert, key };
}

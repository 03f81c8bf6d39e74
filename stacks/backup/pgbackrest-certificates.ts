import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { TlsSecretName } from "../secret-names.js";
import { PGBACKREST_CLIENT_CN } from "./pgbackrest-topology.js";

/** One certificate to issue. */
export interface CertificatePlan {
  /** Subject common name; pgBackRest's tls-server-auth matches the client's. */
  readonly commonName: string;
  /** Subject alternative names the client checks the server against. */
  readonly dnsNames: readonly string[];
  /** X.509 key usages, as the TLS provider names them. */
  readonly uses: readonly string[];
  readonly validityHours: number;
  /** Within this many hours of expiry, the next `pulumi up` issues a new certificate. */
  readonly earlyRenewalHours: number;
}

/** The private CA and the two leaf certificates of the pgBackRest TLS link. */
export interface PgbackrestCertificatePlan {
  readonly ca: CertificatePlan;
  /** The `pgbackrest server` beside PostgreSQL. */
  readonly server: CertificatePlan;
  /** The backup jobs. */
  readonly client: CertificatePlan;
}

const YEAR_HOURS = 24 * 365;
const RENEWAL_HOURS = 24 * 90;

/**
 * The certificates of a stack: a ten-year CA private to the link, and two-year leaf certificates renewed by any
 * `pulumi up` in their last 90 days. The server names are every form of the database Service's DNS name.
 */
export function pgbackrestCertificatePlan(host: string, namespace: string): PgbackrestCertificatePlan {
  const leaf = { validityHours: 2 * YEAR_HOURS, earlyRenewalHours: RENEWAL_HOURS };
  return {
    ca: { commonName: `supabase-pgbackrest-ca.${namespace}`, dnsNames: [], uses: ["cert_signing", "crl_signing", "digital_signature"], validityHours: 10 * YEAR_HOURS, earlyRenewalHours: RENEWAL_HOURS },
    server: {
      commonName: `${host}.${namespace}.svc.cluster.local`,
      dnsNames: [host, `${host}.${namespace}`, `${host}.${namespace}.svc`, `${host}.${namespace}.svc.cluster.local`],
      uses: ["digital_signature", "key_encipherment", "server_auth"],
      ...leaf,
    },
    client: { commonName: PGBACKREST_CLIENT_CN, dnsNames: [], uses: ["digital_signature", "key_encipherment", "client_auth"], ...leaf },
  };
}

/** Inputs to the issued certificates. */
export interface PgbackrestCertificatesArgs {
  /** What to issue. */
  readonly plan: PgbackrestCertificatePlan;
}

/** Issues the plan with the TLS provider: ECDSA P-256 keys, kept in Pulumi state as secrets. */
export class PgbackrestCertificates extends pulumi.ComponentResource {
  /** PEM values by secret name, each a Pulumi secret. */
  readonly values: Readonly<Record<TlsSecretName, pulumi.Output<string>>>;

  constructor(name: string, args: PgbackrestCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("supabase:backup:PgbackrestCertificates", name, {}, opts);
    const child = { parent: this };
    const key = (id: string) => new tls.PrivateKey(`${name}-${id}`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, child);
    const { ca, server, client } = args.plan;
    const caKey = key("ca");
    const caCert = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: ca.commonName },
        isCaCertificate: true,
        allowedUses: [...ca.uses],
        validityPeriodHours: ca.validityHours,
        earlyRenewalHours: ca.earlyRenewalHours,
      },
      child,
    );
    const leaf = (id: string, plan: CertificatePlan) => {
      const leafKey = key(id);
      const request = new tls.CertRequest(
        `${name}-${id}`,
        { privateKeyPem: leafKey.privateKeyPem, subject: { commonName: plan.commonName }, ...(plan.dnsNames.length > 0 && { dnsNames: [...plan.dnsNames] }) },
        child,
      );
      const cert = new tls.LocallySignedCert(
        `${name}-${id}`,
        {
          certRequestPem: request.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: caCert.certPem,
          allowedUses: [...plan.uses],
          validityPeriodHours: plan.validityHours,
          earlyRenewalHours: plan.earlyRenewalHours,
        },
        child,
      );
      return { cert: pulumi.secret(cert.certPem), key: pulumi.secret(leafKey.privateKeyPem) };
    };
    const serverPair = leaf("server", server);
    const clientPair = leaf("client", client);
    this.values = {
      pgbackrestTlsCa: pulumi.secret(caCert.certPem),
      pgbackrestTlsServerCert: serverPair.cert,
      pgbackrestTlsServerKey: serverPair.key,
      pgbackrestTlsClientCert: clientPair.cert,
      pgbackrestTlsClientKey: clientPair.key,
    };
    this.registerOutputs({});
  }
}

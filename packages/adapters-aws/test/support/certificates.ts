import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/**
 * Keys and certificates made in the test (nothing fetched, nothing checked in): a CA and a TLS
 * certificate for a local https server posing as an SNS host, and signing certificates for the
 * messages, current or expired. Node makes the RSA keys; node-forge writes the certificates,
 * which Node itself cannot.
 */

export interface IssuedCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const DAY = 86_400_000;

const newKeys = (): { readonly publicKeyPem: string; readonly privateKeyPem: string } => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
};

const SERIAL_BYTES = 16;

/**
 * A certificate serial number as node-forge takes it (hex): 16 random bytes whose first lies in
 * 0x01–0x7f. DER encodes serials as signed, minimal integers, so a first byte of zero would be
 * padding and one with the high bit set a negative number; TLS stacks refuse both.
 */
export const certificateSerial = (random: (size: number) => Uint8Array = randomBytes): string => {
  const bytes = Buffer.from(random(SERIAL_BYTES));
  bytes[0] = 0x01 + ((bytes[0] ?? 0) % 0x7f);
  return bytes.toString("hex");
};

interface CertificateRequest {
  readonly subjectName: string;
  readonly publicKeyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: ReadonlyArray<Record<string, unknown>>;
  /** The issuer's name and key; the certificate signs itself when left out. */
  readonly issuer?: { readonly name: string; readonly privateKeyPem: string };
  readonly selfKeyPem?: string;
}

const certificateOf = (request: CertificateRequest): string => {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(request.publicKeyPem);
  certificate.serialNumber = certificateSerial();
  certificate.validity.notBefore = request.notBefore;
  certificate.validity.notAfter = request.notAfter;
  certificate.setSubject([{ name: "commonName", value: request.subjectName }]);
  certificate.setIssuer([{ name: "commonName", value: request.issuer?.name ?? request.subjectName }]);
  certificate.setExtensions([...request.extensions]);
  const signingKeyPem = request.issuer?.privateKeyPem ?? request.selfKeyPem;
  if (signingKeyPem === undefined) throw new Error("a certificate needs a key to sign it");
  certificate.sign(forge.pki.privateKeyFromPem(signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
};

/** A self-signed certificate, as SNS's signing certificates are presented (the key is what matters). */
export const signingCertificate = (
  validity: { readonly notBefore: Date; readonly notAfter: Date } = {
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
  },
): IssuedCertificate => {
  const keys = newKeys();
  return {
    certificatePem: certificateOf({
      subjectName: "sns.amazonaws.com",
      publicKeyPem: keys.publicKeyPem,
      ...validity,
      extensions: [],
      selfKeyPem: keys.privateKeyPem,
    }),
    privateKeyPem: keys.privateKeyPem,
  };
};

export interface TlsIdentity {
  readonly caPem: string;
  readonly server: IssuedCertificate;
}

/** A CA and a server certificate it issued for `hostName`, for a local https server. */
export const tlsIdentityFor = (hostName: string): TlsIdentity => {
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + 30 * DAY);
  const caKeys = newKeys();
  const caName = "OVS test CA";
  const caPem = certificateOf({
    subjectName: caName,
    publicKeyPem: caKeys.publicKeyPem,
    notBefore,
    notAfter,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
    selfKeyPem: caKeys.privateKeyPem,
  });
  const serverKeys = newKeys();
  const serverPem = certificateOf({
    subjectName: hostName,
    publicKeyPem: serverKeys.publicKeyPem,
    notBefore,
    notAfter,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: hostName }] },
    ],
    issuer: { name: caName, privateKeyPem: caKeys.privateKeyPem },
  });
  return { caPem, server: { certificatePem: serverPem, privateKeyPem: serverKeys.privateKeyPem } };
};

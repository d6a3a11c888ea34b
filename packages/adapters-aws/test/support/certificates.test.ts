import { generateKeyPairSync, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { certificateSerial } from "./certificates.js";

/** The content octets of the INTEGER node-forge writes for a certificate's hex serial. */
const derSerialOctets = (serial: string): Buffer => {
  const integer = forge.asn1.create(
    forge.asn1.Class.UNIVERSAL,
    forge.asn1.Type.INTEGER,
    false,
    forge.util.hexToBytes(serial),
  );
  const reread = forge.asn1.fromDer(forge.asn1.toDer(integer));
  return Buffer.from(reread.value as string, "binary");
};

/** DER: a positive INTEGER has its top bit clear, is not zero, and has no redundant leading zero. */
const isMinimalPositive = (octets: Buffer): boolean => {
  const [first = 0, second = 0] = octets;
  const positive = (first & 0x80) === 0 && octets.some((octet) => octet !== 0);
  const minimal = octets.length === 1 || first !== 0 || (second & 0x80) !== 0;
  return positive && minimal;
};

/** A random source that returns the same bytes every time. */
const fixedBytes =
  (...leading: ReadonlyArray<number>) =>
  (size: number): Uint8Array =>
    Uint8Array.from({ length: size }, (_, index) => leading[index] ?? leading.at(-1) ?? 0);

/** A self-signed certificate with this serial, as the support module makes them. */
const certificateWithSerial = (serial: string, keys: forge.pki.rsa.KeyPair): string => {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = serial;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + 60_000);
  certificate.setSubject([{ name: "commonName", value: "serial.test" }]);
  certificate.setIssuer([{ name: "commonName", value: "serial.test" }]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
};

describe("certificateSerial", () => {
  it("always gives a positive, minimally encoded DER serial", () => {
    const serials = Array.from({ length: 500 }, () => certificateSerial());
    const invalid = serials.filter((serial) => !isMinimalPositive(derSerialOctets(serial)));
    expect(invalid).toEqual([]);
    expect(new Set(serials).size).toBe(serials.length);
  });

  it.each([
    ["all zero bytes", fixedBytes(0x00)],
    ["a zero first byte before a small one", fixedBytes(0x00, 0x01)],
    ["a first byte with the top bit set", fixedBytes(0x80)],
    ["all 0xff bytes", fixedBytes(0xff)],
    ["a first byte of 0x7f", fixedBytes(0x7f, 0x00)],
  ])("keeps 16 bytes with a first byte in 0x01–0x7f when the random source gives %s", (_, random) => {
    const serial = certificateSerial(random);
    expect(serial).toMatch(/^[0-9a-f]{32}$/);
    expect(Number.parseInt(serial.slice(0, 2), 16)).toBeGreaterThanOrEqual(0x01);
    expect(Number.parseInt(serial.slice(0, 2), 16)).toBeLessThanOrEqual(0x7f);
    expect(derSerialOctets(serial).toString("hex")).toBe(serial);
  });

  it("gives serials that Node's X.509 parser accepts, even from the unluckiest random bytes", () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    const keys = {
      publicKey: forge.pki.publicKeyFromPem(publicKey),
      privateKey: forge.pki.privateKeyFromPem(privateKey),
    };
    for (const random of [fixedBytes(0x00), fixedBytes(0x00, 0x01), fixedBytes(0xff)]) {
      const serial = certificateSerial(random);
      expect(new X509Certificate(certificateWithSerial(serial, keys)).serialNumber).toBe(
        serial.toUpperCase(),
      );
    }
  });
});

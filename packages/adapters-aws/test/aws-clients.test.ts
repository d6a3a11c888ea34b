import { GetDistributionCommand } from "@aws-sdk/client-cloudfront";
import { GetJobCommand } from "@aws-sdk/client-mediaconvert";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { Redacted } from "effect";
import { describe, expect, it } from "vitest";
import { createCloudFrontClient, createMediaConvertClient, createS3Client } from "../src/aws-clients.js";

interface CapturedRequest {
  readonly hostname: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

interface ClientWithStack {
  readonly middlewareStack: {
    add(
      middleware: (next: unknown) => (args: { readonly request: unknown }) => Promise<never>,
      options: { readonly step: "finalizeRequest"; readonly priority: "low"; readonly name: string },
    ): void;
  };
}

/**
 * Stops every request just before it would leave, after the endpoint is resolved and the
 * request signed, and keeps it: what the client would send, without a network.
 */
const captureRequests = (client: ClientWithStack): ReadonlyArray<CapturedRequest> => {
  const captured: Array<CapturedRequest> = [];
  client.middlewareStack.add(
    () => async (args) => {
      captured.push(args.request as CapturedRequest);
      throw new Error("captured");
    },
    { step: "finalizeRequest", priority: "low", name: "ovsCaptureRequest" },
  );
  return captured;
};

const credentials = { accessKeyId: "AKIAOVSTEST", secretAccessKey: Redacted.make("secret") };

describe("AWS client factories", () => {
  it("sends MediaConvert calls to the regional endpoint, with no DescribeEndpoints first", async () => {
    const client = createMediaConvertClient({ region: "eu-west-1", credentials, maxAttempts: 1 });
    const captured = captureRequests(client);
    await expect(client.send(new GetJobCommand({ Id: "1700000000000-abc" }))).rejects.toThrow("captured");
    expect(captured.map((request) => [request.hostname, request.path])).toEqual([
      ["mediaconvert.eu-west-1.amazonaws.com", "/2017-08-29/jobs/1700000000000-abc"],
    ]);
    expect(captured[0]?.headers["authorization"]).toContain("Credential=AKIAOVSTEST/");
  });

  it("uses an account endpoint for MediaConvert when one is configured", async () => {
    const client = createMediaConvertClient({
      region: "us-east-1",
      credentials,
      endpoint: "https://abcd1234.mediaconvert.us-east-1.amazonaws.com",
      maxAttempts: 1,
    });
    const captured = captureRequests(client);
    await expect(client.send(new GetJobCommand({ Id: "1" }))).rejects.toThrow("captured");
    expect(captured[0]?.hostname).toBe("abcd1234.mediaconvert.us-east-1.amazonaws.com");
  });

  it("builds an S3 client for an S3-compatible endpoint: path style, checksums only where required", async () => {
    const client = createS3Client({
      region: "us-east-1",
      credentials,
      endpoint: "http://127.0.0.1:4568",
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      maxAttempts: 1,
    });
    const captured = captureRequests(client);
    await expect(
      client.send(new PutObjectCommand({ Bucket: "ovs-uploads", Key: "abc/video.mp4", Body: "x" })),
    ).rejects.toThrow("captured");
    expect(captured[0]).toMatchObject({ hostname: "127.0.0.1", path: "/ovs-uploads/abc/video.mp4" });
    expect(
      Object.keys(captured[0]?.headers ?? {}).filter((name) => name.startsWith("x-amz-checksum-")),
    ).toEqual([]);
  });

  it("sends CloudFront calls to its global endpoint whatever the region", async () => {
    const client = createCloudFrontClient({ credentials, maxAttempts: 1 });
    const captured = captureRequests(client);
    await expect(client.send(new GetDistributionCommand({ Id: "E1ABCDEF234567" }))).rejects.toThrow(
      "captured",
    );
    expect(captured[0]?.hostname).toBe("cloudfront.amazonaws.com");
  });
});

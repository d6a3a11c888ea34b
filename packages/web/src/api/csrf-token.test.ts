import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.js";
import { csrfTokenFrom, needsCsrf } from "./csrf-token.js";

describe("the CSRF header", () => {
  it("is read from the csrftoken cookie among others", () => {
    expect(csrfTokenFrom("sessionid=abc; csrftoken=t0k%2Ben; other=1")).toBe("t0k+en");
    expect(csrfTokenFrom("sessionid=abc")).toBeUndefined();
    expect(csrfTokenFrom("")).toBeUndefined();
  });

  it("goes on unsafe methods only", () => {
    expect(["POST", "PUT", "PATCH", "DELETE"].every(needsCsrf)).toBe(true);
    expect(["GET", "HEAD", "OPTIONS"].some(needsCsrf)).toBe(false);
  });
});

describe("ApiError", () => {
  it("says what the API said, or what a person can do", () => {
    expect(new ApiError(404, { detail: "Not found." }).message).toBe("Not found.");
    expect(new ApiError(400, { error: "No file." }).message).toBe("No file.");
    expect(new ApiError(400, { title: ["This field may not be blank."] }).message).toBe(
      "title: This field may not be blank.",
    );
    expect(new ApiError(400, { title: ["blank"] }).fieldMessages("title")).toEqual(["blank"]);
    expect(new ApiError(0, undefined).message).toMatch(/could not be reached/);
    expect(new ApiError(503, undefined).message).toMatch(/Try again/);
  });
});

import { describe, expect, it } from "vitest";
import { groupNamesFromPaths, roleFlagsFromGroupPaths } from "./user.js";

describe("group names from Keycloak paths (upstream test_groups_from_social_auth_normalises_paths)", () => {
  it("keeps the leaf of each path, ignoring trailing slashes, non-strings and empties", () => {
    expect(groupNamesFromPaths(["/a", "/p/child", "/x/", "/", "", 42, null, "plain"])).toEqual([
      "a",
      "child",
      "x",
      "plain",
    ]);
  });

  it("deduplicates leaves", () => {
    expect(groupNamesFromPaths(["/one/g", "/two/g"])).toEqual(["g"]);
  });
});

describe("role flags from group paths (upstream assign_user_groups)", () => {
  const current = { isSuperuser: false, isStaff: false };
  it("makes /admin members superusers and staff, case-insensitively", () => {
    expect(roleFlagsFromGroupPaths(["/ADMIN"], current)).toEqual({ isSuperuser: true, isStaff: true });
  });
  it("makes /staff members staff and removes superuser", () => {
    expect(roleFlagsFromGroupPaths(["/staff"], { isSuperuser: true, isStaff: false })).toEqual({
      isSuperuser: false,
      isStaff: true,
    });
  });
  it("leaves the flags alone otherwise, including for nested admin paths", () => {
    expect(roleFlagsFromGroupPaths(["/org/admin"], { isSuperuser: true, isStaff: true })).toEqual({
      isSuperuser: true,
      isStaff: true,
    });
  });
});

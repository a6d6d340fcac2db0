// Key strength per key type (src/knowledge/key-strength.ts): every type has its own minimum, DSA is
// never acceptable, unknown types and sizes are unknown (never ok).
import { describe, expect, it } from "vitest";
import { curveBits, judgeKey } from "../../src/knowledge/key-strength.js";

describe("judgeKey", () => {
  it("RSA and RSA-PSS need 2048 bits", () => {
    expect(judgeKey("rsa", 2048).status).toBe("ok");
    expect(judgeKey("rsa", 1024).status).toBe("weak");
    expect(judgeKey("rsa-pss", 1536).status).toBe("weak");
    expect(judgeKey("rsa").status).toBe("unknown");
  });
  it("DSA is weak at any size (a 256-bit 'minimum' would be wrong)", () => {
    expect(judgeKey("dsa", 3072).status).toBe("weak");
    expect(judgeKey("dsa", 256).status).toBe("weak");
  });
  it("EC by order size or curve name; small curves fail", () => {
    expect(judgeKey("ec", undefined, "prime256v1").status).toBe("ok");
    expect(judgeKey("ec", undefined, "secp384r1").status).toBe("ok");
    expect(judgeKey("ec", undefined, "prime192v1").status).toBe("weak");
    expect(judgeKey("ec", undefined, "secp160r1").status).toBe("weak");
    expect(judgeKey("ec", undefined, "frobnicate").status).toBe("unknown");
    expect(curveBits("brainpoolP512r1")).toBe(512);
    expect(curveBits("P-521")).toBe(521);
  });
  it("fixed-size Edwards and Montgomery keys are fine; unknown types are unknown", () => {
    expect(judgeKey("ed25519").status).toBe("ok");
    expect(judgeKey("ed448").status).toBe("ok");
    expect(judgeKey("gost2012").status).toBe("unknown");
    expect(judgeKey(undefined).status).toBe("unknown");
  });
});

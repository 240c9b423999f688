"""The secret key of test apps: at least 32 bytes, as the server requires."""

TEST_SECRET = "winwin-test-secret-0123456789abcdef"

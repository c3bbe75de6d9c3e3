#include "digest.h"

#include "fc_error.h"

#include <nettle/sha2.h>
#include <stdio.h>

#define READ_CHUNK 65536

int fc_sha256_file(const char *path, char hex[FC_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char buf[READ_CHUNK], digest[SHA256_DIGEST_SIZE];
    struct sha256_ctx ctx;
    FILE *fp = fopen(path, "rb");
    int rc = FC_ERR_IO;
    size_t n;
    hex[0] = '\0';
    if (!fp)
        return FC_ERR_IO;
    sha256_init(&ctx);
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        sha256_update(&ctx, n, buf);
    if (!ferror(fp)) {
        sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
        for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
            hex[2 * i] = digits[digest[i] >> 4];
            hex[2 * i + 1] = digits[digest[i] & 15];
        }
        hex[2 * SHA256_DIGEST_SIZE] = '\0';
        rc = FC_OK;
    }
    fclose(fp);
    return rc;
}

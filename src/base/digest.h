/* digest: the sha256 of a file, so that a record names exactly which
 * routine or prescription was used (Nettle does the hashing). */
#ifndef FLOORCOACH_DIGEST_H
#define FLOORCOACH_DIGEST_H

/* Room for the hex digest and its terminator. */
#define FC_SHA256_HEX 65

/* Any thread. Writes the lowercase hex sha256 of the file at path into hex.
 * Returns 0, or FC_ERR_IO when it cannot be read. */
int fc_sha256_file(const char *path, char hex[FC_SHA256_HEX]);

#endif

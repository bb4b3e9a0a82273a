/* weblink.h: what makes a private web link: its token, its access code,
 * the hashes the store keeps of them, and the expiry.
 *
 * A token is WEBLINK_TOKEN_BYTES random bytes from the operating system
 * (getrandom), written in base64url without padding, so it goes into a URL
 * as it is.  An access code is WEBLINK_CODE_LEN symbols from an alphabet
 * without look-alikes (no 0/O, 1/I/L), shown in two groups ("K7QM4-XRP2D");
 * typed back in any case, with or without the dash or spaces.  The store
 * keeps the sha256 of each, never the text. */
#ifndef ATTUNE_WEBLINK_H
#define ATTUNE_WEBLINK_H

#include <stddef.h>
#include <time.h>
#include "util.h"

#define WEBLINK_TOKEN_BYTES 24                     /* 192 bits */
#define WEBLINK_TOKEN_LEN 32                       /* its base64url length */
#define WEBLINK_CODE_LEN 10                        /* about 49.5 bits */
#define WEBLINK_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

/* A new token into tok[WEBLINK_TOKEN_LEN + 1] and a new access code, as
 * shown, into code[WEBLINK_CODE_LEN + 2].  AT_EIO when the operating system
 * gives no random bytes. */
at_status weblink_new(char tok[WEBLINK_TOKEN_LEN + 1], char code[WEBLINK_CODE_LEN + 2],
                      at_err *err);

/* Whether text has a token's shape (length and alphabet): a request for
 * anything else is turned away before the store is asked. */
int weblink_token_ok(const char *text, size_t len);

/* The sha256 the store keeps of a token, into hex[65]. */
void weblink_token_hash(const char *tok, size_t len, char hex[65]);
/* The hash the store keeps of an access code as typed (case, spaces and
 * dashes do not count): PBKDF2-HMAC-SHA256 of WEBLINK_CODE_ROUNDS rounds,
 * so that a code, shorter than a token, cannot be found from a copy of the
 * study by trying every one (about 10 ms a try here; 2^50 tries).  Returns
 * 0 (hex untouched) when what is left is not a code's length or holds a
 * symbol outside the alphabet. */
#define WEBLINK_CODE_ROUNDS 100000
int weblink_code_hash(const char *typed, char hex[65]);
/* The sha256 of the same, as links made before the rounds were kept: the
 * server still finds such a link by it. */
int weblink_code_hash_plain(const char *typed, char hex[65]);

/* A duration such as 7d, 48h, 30m or 1d12h (days, hours, minutes; at least
 * one minute and at most 366 days) into seconds; 0 when text is not one. */
long weblink_duration(const char *text);

/* Time t as YYYY-MM-DDTHH:MM:SSZ (UTC) into buf[21]. */
void weblink_time_iso(time_t t, char buf[21]);

#endif

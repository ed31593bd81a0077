/*
 * pii.h: keyed pseudonymisation (sha256_pii) shared declarations.
 */
#ifndef EDUPREDICT_PII_H
#define EDUPREDICT_PII_H

typedef enum PiiKind
{
	PII_TEXT,
	PII_EMAIL,
	PII_NAME,
	PII_POSTCODE,
	PII_PHONE
} PiiKind;

/* Longest value accepted, in bytes: personal values are short. */
#define PII_MAX_VALUE_BYTES (1024 * 1024)

/* Shorter keys can be brute-forced from one known value and its pseudonym. */
#define PII_MIN_KEY_BYTES 16

/* A key file is one line; anything larger is not a key (a PEM file, a log). */
#define PII_MAX_KEY_FILE_BYTES 4096

extern PiiKind edupredict_pii_parse_kind(const char *kind, int len);

/*
 * Returns the normalised value as palloc'd UTF-8 bytes (not NUL-terminated)
 * and its length in *out_len.  A length of 0 means nothing identifying was
 * left (blank input, a phone number without a subscriber number).
 */
extern char *edupredict_pii_normalise(PiiKind kind, const char *value, int len,
									  const char *phone_country, int *out_len);

/* True if s is a valid country calling code for the phone kind (1-4 digits). */
extern bool edupredict_pii_valid_country(const char *s, int len);

/* pii_key.c: the key in use as UTF-8 bytes; raises an error if unusable. */
extern const char *edupredict_pii_get_key(int *len);

/* pii_key.c: the server-wide default country calling code. */
extern const char *edupredict_pii_default_country(void);

/* pii_key.c: the key loaded from edupredict.pii_key_file, or NULL. */
extern const char *edupredict_pii_file_key_value(void);

/* pii_key.c: the key the current (or last) transaction hashed with, or NULL. */
extern const char *edupredict_pii_pinned_key_value(void);

/* pii_mention.c: true if SQL text may name the key setting. */
extern bool edupredict_pii_sql_names_key(const char *sql);
extern bool edupredict_pii_contains_nocase(const char *s, const char *needle);

#endif							/* EDUPREDICT_PII_H */

/*
 * pii.h: normalisation of personal values before keyed hashing.
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

extern PiiKind edupredict_pii_parse_kind(const char *kind, int len);

/*
 * Returns the normalised value as palloc'd UTF-8 bytes (not NUL-terminated)
 * and its length in *out_len.  A length of 0 means nothing identifying was
 * left (blank input, a phone number without digits).
 */
extern char *edupredict_pii_normalise(PiiKind kind, const char *value, int len,
									  const char *phone_country, int *out_len);

#endif							/* EDUPREDICT_PII_H */

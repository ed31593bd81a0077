/*
 * pii.c: sha256_pii, keyed pseudonymisation of personal values, and
 * pii_key_fingerprint.
 *
 * HMAC-SHA256 rather than a bare SHA-256: names, e-mails and phone numbers
 * come from small spaces, so an unkeyed hash is reversed by hashing a
 * dictionary.  Where the key comes from is pii_key.c.
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "pii.h"

/*
 * Label of the key fingerprint: fixed, so every node computes the same.  Its
 * NUL bytes keep it apart from every pseudonym: no text value, so no
 * normalised value that sha256_pii hashes, can hold one.
 */
static const char fingerprint_label[] = "edupredict\0pii key fingerprint\0v1";

#define PII_FINGERPRINT_BYTES 8

/*
 * One HMAC context per backend, reused for every row: creating a context
 * and keying it cost more than hashing a short value.  The context is
 * registered with a resource owner of its own that is never released, so
 * transaction and subtransaction cleanup cannot free it under us.
 */
typedef struct HmacState
{
	pg_hmac_ctx *ctx;
	bool		reuse_key;		/* init(NULL) keeps the loaded key: self-tested */
	uint8	   *loaded_key;		/* key the context holds; NULL if none */
	int			loaded_len;
} HmacState;

static int
HmacOnce(pg_hmac_ctx *ctx, const uint8 *key, int keylen, const char *data, int len, uint8 *digest)
{
	if (pg_hmac_init(ctx, key, keylen) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) data, len) < 0 ||
		pg_hmac_final(ctx, digest, PG_SHA256_DIGEST_LENGTH) < 0)
		return -1;
	return 0;
}

/*
 * With OpenSSL, initialising with a NULL key reuses the key already loaded,
 * skipping the key schedule.  Other implementations may treat NULL as an
 * empty key, so the shortcut is used only if it gives the keyed result.
 */
static bool
KeyReuseWorks(pg_hmac_ctx *ctx)
{
	static const uint8 probe_key[] = "edupredict key-reuse self-test";
	uint8		keyed[PG_SHA256_DIGEST_LENGTH];
	uint8		reused[PG_SHA256_DIGEST_LENGTH];

	if (HmacOnce(ctx, probe_key, sizeof(probe_key) - 1, "probe", 5, keyed) < 0 ||
		HmacOnce(ctx, NULL, 0, "probe", 5, reused) < 0)
		return false;
	return memcmp(keyed, reused, sizeof(keyed)) == 0;
}

static HmacState *
GetHmacState(void)
{
	static HmacState state;

	if (state.ctx == NULL)
	{
		ResourceOwner saved_owner = CurrentResourceOwner;
		MemoryContext saved_cxt = MemoryContextSwitchTo(TopMemoryContext);

		CurrentResourceOwner = ResourceOwnerCreate(NULL, "edupredict sha256_pii");
		state.ctx = pg_hmac_create(PG_SHA256);
		CurrentResourceOwner = saved_owner;
		MemoryContextSwitchTo(saved_cxt);
		if (state.ctx == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while creating an HMAC context")));
		state.reuse_key = KeyReuseWorks(state.ctx);
	}
	return &state;
}

static void
HmacSha256(const char *key, int keylen, const char *data, int len, uint8 *digest)
{
	HmacState  *st = GetHmacState();
	bool		same_key = st->reuse_key && st->loaded_key != NULL &&
		st->loaded_len == keylen && memcmp(st->loaded_key, key, keylen) == 0;

	if (!same_key && st->reuse_key)
	{
		/* Forget the old key before loading a new one, in case loading fails. */
		if (st->loaded_key != NULL)
		{
			explicit_bzero(st->loaded_key, st->loaded_len);
			pfree(st->loaded_key);
			st->loaded_key = NULL;
		}
	}
	if (HmacOnce(st->ctx, same_key ? NULL : (const uint8 *) key, same_key ? 0 : keylen,
				 data, len, digest) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
				 errmsg("could not compute HMAC-SHA256: %s", pg_hmac_error(st->ctx))));
	if (!same_key && st->reuse_key)
	{
		st->loaded_key = MemoryContextAlloc(TopMemoryContext, keylen);
		memcpy(st->loaded_key, key, keylen);
		st->loaded_len = keylen;
	}
}

static text *
HexText(const uint8 *bytes, int n)
{
	text	   *result = palloc(VARHDRSZ + 2 * n);

	SET_VARSIZE(result, VARHDRSZ + 2 * n);
	hex_encode((const char *) bytes, n, VARDATA(result));
	return result;
}

/*
 * sha256_pii(value, kind) and sha256_pii(value, kind, phone_country): the
 * second form names the country for a leading 0 in the call itself, so the
 * result does not depend on any node's configuration but the key.
 */
PG_FUNCTION_INFO_V1(sha256_pii);
Datum
sha256_pii(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	text	   *kindtext = PG_GETARG_TEXT_PP(1);
	int			len = VARSIZE_ANY_EXHDR(value);
	PiiKind		kind;
	const char *country;
	const char *key;
	int			keylen;
	char	   *norm;
	int			normlen;
	uint8		digest[PG_SHA256_DIGEST_LENGTH];

	kind = edupredict_pii_parse_kind(VARDATA_ANY(kindtext), VARSIZE_ANY_EXHDR(kindtext));
	if (PG_NARGS() > 2)
	{
		text	   *c = PG_GETARG_TEXT_PP(2);

		if (!edupredict_pii_valid_country(VARDATA_ANY(c), VARSIZE_ANY_EXHDR(c)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid phone_country for sha256_pii"),
					 errdetail("A country calling code has 1 to 4 digits and does not start with 0, such as 44.")));
		country = text_to_cstring(c);
	}
	else
		country = edupredict_pii_default_country();
	key = edupredict_pii_get_key(&keylen);

	/* The message gives sizes only: never echo personal data. */
	if (len > PII_MAX_VALUE_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("value too long for sha256_pii"),
				 errdetail("The value has %d bytes; the limit is %d.", len, PII_MAX_VALUE_BYTES)));

	norm = edupredict_pii_normalise(kind, VARDATA_ANY(value), len, country, &normlen);

	/* Blank values carry no identity: hashing them would link unrelated rows. */
	if (normlen == 0)
		PG_RETURN_NULL();

	HmacSha256(key, keylen, norm, normlen, digest);
	PG_RETURN_TEXT_P(HexText(digest, PG_SHA256_DIGEST_LENGTH));
}

/*
 * A short keyed digest of the key: equal on two servers if and only if
 * (barring a 64-bit collision) they hold the same key.  HMAC is a
 * pseudorandom function of the key, so the digest reveals nothing about the
 * key, and it is no pseudonym: sha256_pii never hashes the label.  Callable
 * by whoever may call sha256_pii (docs/security.md): one known value's
 * pseudonym already tells as much (whether two servers share a key).
 */
PG_FUNCTION_INFO_V1(pii_key_fingerprint);
Datum
pii_key_fingerprint(PG_FUNCTION_ARGS)
{
	int			keylen;
	const char *key = edupredict_pii_get_key(&keylen);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];

	HmacSha256(key, keylen, fingerprint_label, sizeof(fingerprint_label) - 1, digest);
	PG_RETURN_TEXT_P(HexText(digest, PII_FINGERPRINT_BYTES));
}

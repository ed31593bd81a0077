/*
 * pii.c: sha256_pii, keyed pseudonymisation of personal values.
 *
 * HMAC-SHA256 rather than a bare SHA-256: names, e-mails and phone numbers
 * come from small spaces, so an unkeyed hash is reversed by hashing a
 * dictionary.  The key lives in a superuser-only setting that is only
 * protected when the library is preloaded (otherwise the setting is a
 * placeholder any role can read), so we refuse to run without preloading.
 */
#include "postgres.h"

#include "catalog/pg_db_role_setting.h"
#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "edupredict.h"
#include "pii.h"

/* Shorter keys can be brute-forced from one known value and its pseudonym. */
#define PII_MIN_KEY_BYTES 16

static char *pii_key = NULL;
static char *pii_phone_country = NULL;

/* Where the current key came from (GucSource), tracked through GUC "extra". */
static int	pii_key_source = PGC_S_DEFAULT;

static bool
CheckKey(char **newval, void **extra, GucSource source)
{
	int		   *src = malloc(sizeof(int));	/* GUC extra must be malloc'd */

	if (src == NULL)
	{
		/* Our own message: the default one would print the value. */
		GUC_check_errmsg("out of memory");
		return false;
	}
	*src = (int) source;
	*extra = src;
	return true;
}

static void
AssignKey(const char *newval, void *extra)
{
	pii_key_source = extra ? *(int *) extra : PGC_S_DEFAULT;
}

/*
 * ALTER DATABASE/ROLE ... SET stores values in pg_db_role_setting, which
 * every role can read unless an administrator revoked that.
 */
static bool
KeyStoredInReadableCatalog(void)
{
	if (pii_key_source != PGC_S_GLOBAL && pii_key_source != PGC_S_DATABASE &&
		pii_key_source != PGC_S_USER && pii_key_source != PGC_S_DATABASE_USER)
		return false;
	return pg_class_aclcheck(DbRoleSettingRelationId, ACL_ID_PUBLIC, ACL_SELECT) == ACLCHECK_OK;
}

static bool
CheckPhoneCountry(char **newval, void **extra, GucSource source)
{
	const char *s = *newval;
	int			n = s ? strlen(s) : 0;

	if (n < 1 || n > 4)
	{
		GUC_check_errdetail("A country calling code has 1 to 4 digits, such as 44.");
		return false;
	}
	for (int i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
		{
			GUC_check_errdetail("A country calling code has only digits, such as 44.");
			return false;
		}
	}
	return true;
}

const char *
edupredict_pii_key_value(void)
{
	return pii_key;
}

void
edupredict_pii_init(void)
{
	DefineCustomStringVariable("edupredict.pii_key",
							   "Secret key for sha256_pii (HMAC-SHA256).",
							   "Only superusers can set or read it. Keep it out of version control.",
							   &pii_key,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							   CheckKey, AssignKey, NULL);

	DefineCustomStringVariable("edupredict.pii_phone_country",
							   "Country calling code that replaces a leading 0 in phone numbers for sha256_pii.",
							   NULL,
							   &pii_phone_country,
							   "44",
							   PGC_USERSET,
							   0,
							   CheckPhoneCountry, NULL, NULL);
}

/* The key as UTF-8 bytes; errors never include it. */
static const char *
GetKey(int *len)
{
	const char *key;

	if (!edupredict_preloaded)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("sha256_pii requires edupredict in shared_preload_libraries"),
				 errdetail("Without preloading, edupredict.pii_key is an ordinary placeholder setting that any role can read or set."),
				 errhint("Add edupredict to shared_preload_libraries in postgresql.conf and restart the server.")));

	if (pii_key == NULL || pii_key[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("edupredict.pii_key is not set"),
				 errhint("As a superuser, add edupredict.pii_key = '...' (at least %d random bytes) to postgresql.conf and reload the server.",
						 PII_MIN_KEY_BYTES)));

	if (KeyStoredInReadableCatalog())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("edupredict.pii_key is stored where every role can read it"),
				 errdetail("The key was set with ALTER DATABASE or ALTER ROLE, which stores it in pg_db_role_setting, and that catalog is readable by PUBLIC."),
				 errhint("Move the key to postgresql.conf (or an included file) and run ALTER DATABASE/ROLE ... RESET edupredict.pii_key, or run REVOKE SELECT ON pg_catalog.pg_db_role_setting FROM PUBLIC.")));

	key = pg_server_to_any(pii_key, strlen(pii_key), PG_UTF8);
	*len = strlen(key);
	if (*len < PII_MIN_KEY_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("edupredict.pii_key is too short"),
				 errdetail("The key has %d bytes; at least %d are required.", *len, PII_MIN_KEY_BYTES),
				 errhint("Generate one with: SELECT encode(gen_random_bytes(32), 'hex') (pgcrypto) or openssl rand -hex 32.")));
	return key;
}

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

PG_FUNCTION_INFO_V1(sha256_pii);
Datum
sha256_pii(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	text	   *kindtext = PG_GETARG_TEXT_PP(1);
	int			len = VARSIZE_ANY_EXHDR(value);
	PiiKind		kind;
	const char *key;
	int			keylen;
	char	   *norm;
	int			normlen;
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	text	   *result;

	kind = edupredict_pii_parse_kind(VARDATA_ANY(kindtext), VARSIZE_ANY_EXHDR(kindtext));
	key = GetKey(&keylen);

	/* The message gives sizes only: never echo personal data. */
	if (len > PII_MAX_VALUE_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("value too long for sha256_pii"),
				 errdetail("The value has %d bytes; the limit is %d.", len, PII_MAX_VALUE_BYTES)));

	norm = edupredict_pii_normalise(kind, VARDATA_ANY(value), len, pii_phone_country, &normlen);

	/* Blank values carry no identity: hashing them would link unrelated rows. */
	if (normlen == 0)
		PG_RETURN_NULL();

	HmacSha256(key, keylen, norm, normlen, digest);

	result = palloc(VARHDRSZ + 2 * PG_SHA256_DIGEST_LENGTH);
	SET_VARSIZE(result, VARHDRSZ + 2 * PG_SHA256_DIGEST_LENGTH);
	hex_encode((const char *) digest, PG_SHA256_DIGEST_LENGTH, VARDATA(result));
	PG_RETURN_TEXT_P(result);
}

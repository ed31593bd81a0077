/*
 * pii_key.c: the settings behind sha256_pii, and where its key comes from.
 *
 * Only the server configuration can hold the key.  edupredict.pii_key and
 * edupredict.pii_key_file are PGC_SIGHUP, so PostgreSQL itself refuses SET
 * (in every spelling), set_config(), ALTER ROLE/DATABASE ... SET and
 * connection options: postgresql.conf (or ALTER SYSTEM) and a reload are the
 * only ways in.  Statement text can always spell a name some new way; a
 * setting's context cannot be talked round.
 *
 * The key file is read whenever the configuration is loaded (startup and
 * every reload), by each process, except parallel workers: they read it at
 * their first hash (WorkerFileKey), and hash only if it is the key their
 * leader uses (CheckLeaderKey).  Like ssl_key_file, it must not be readable
 * by group or others.
 *
 * A reload can arrive between two FETCHes of one cursor, or between two
 * statements of one transaction: a session copies the key and the phone
 * country at the first query of each transaction and hashes with that copy
 * until the transaction ends (PinKey), so one query never mixes two keys' (or
 * two countries') pseudonyms.
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_authid_d.h"
#include "catalog/pg_db_role_setting.h"
#include "catalog/pg_type.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "executor/executor.h"
#include "mb/pg_wchar.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/rel.h"

#include "edupredict.h"
#include "pii.h"

static char *pii_key = NULL;
static char *pii_key_file = NULL;
static char *pii_phone_country = NULL;

/*
 * How a parallel worker learns which key (and phone country) its leader uses:
 * the leader sets this setting to a digest of its pinned key and country
 * before each query (PublishLeaderKey)
 * and PostgreSQL copies it into every worker it starts.  PGC_INTERNAL would
 * not be copied, so it is PGC_SUSET: no ordinary role can set it, and a
 * value set anyway is replaced before the next query.
 */
static char *pii_leader_fingerprint = NULL;

#define LEADER_KEY_SETTING "edupredict.pii_leader_key_fingerprint"
#define LEADER_KEY_DIGEST_BYTES 8

/*
 * Fixed label, then the phone country: the digest is no pseudonym, nor
 * pii_key_fingerprint().
 */
static const char leader_key_label[] = "edupredict\0pii leader key\0v2\0";

/* A country calling code has at most 4 digits (edupredict_pii_valid_country). */
#define PHONE_COUNTRY_MAX 4

/*
 * Bumped when a key setting or the phone country is assigned: the next pin
 * copies them again.
 */
static uint64 key_generation = 1;

/*
 * The key settings as the current transaction first saw them (PinKey).  A
 * reload frees the settings' old strings, so the key is copied.  Sessions
 * only: a parallel worker reads its own key and checks it against the
 * digest its leader publishes.
 */
typedef struct PinnedKey
{
	bool		pinned;			/* in the current transaction */
	uint64		generation;		/* key_generation when copied */
	bool		key_set;		/* edupredict.pii_key was set */
	bool		file_set;		/* edupredict.pii_key_file was loaded */
	char	   *raw;			/* malloc'd copy of the one key set, or NULL */
	char		country[PHONE_COUNTRY_MAX + 1]; /* edupredict.pii_phone_country */
	char		digest[2 * LEADER_KEY_DIGEST_BYTES + 1];	/* '' if none */
} PinnedKey;

static PinnedKey pin;

static ExecutorStart_hook_type prev_executor_start = NULL;

/* The key read from pii_key_file: the setting's GUC "extra" (malloc'd). */
typedef struct KeyFileExtra
{
	int			len;
	char		key[FLEXIBLE_ARRAY_MEMBER];	/* NUL-terminated */
} KeyFileExtra;

static const KeyFileExtra *file_key = NULL;

/*
 * The key file as this process last loaded it (startup or reload).  Parallel
 * workers are forked from the postmaster and read the leader's path again:
 * comparing with this copy catches a file rewritten since the last load,
 * which would otherwise give workers a different key from their leader.
 */
static char loaded_path[MAXPGPATH];
static char loaded_key[PII_MAX_KEY_FILE_BYTES + 1];
static int	loaded_len = -1;

/* A parallel worker's key file, read at its first hash (WorkerFileKey). */
static char worker_key[PII_MAX_KEY_FILE_BYTES + 1];
static bool worker_key_read = false;

/* A key that is set is never shown, not even to pg_read_all_settings members. */
static const char *
ShowKey(void)
{
	return (pii_key == NULL || pii_key[0] == '\0') ? "" : "(hidden)";
}

/*
 * Nor the digest of it that parallel workers check (members of
 * pg_read_all_settings pass GUC_SUPERUSER_ONLY).  Workers still get the
 * value: PostgreSQL copies a setting to them from its variable, not from
 * this hook.
 */
static const char *
ShowLeaderKey(void)
{
	return (pii_leader_fingerprint == NULL || pii_leader_fingerprint[0] == '\0') ? "" : "(hidden)";
}

/* Refuses short keys at load time, so a weak key never replaces a good one. */
static bool
CheckKey(char **newval, void **extra, GucSource source)
{
	int			len = *newval ? strlen(*newval) : 0;

	if (len > 0 && len < PII_MIN_KEY_BYTES)
	{
		/* Our own message: PostgreSQL's default one would print the value. */
		GUC_check_errmsg("edupredict.pii_key is too short");
		GUC_check_errdetail("The key has %d bytes; at least %d are required.", len, PII_MIN_KEY_BYTES);
		GUC_check_errhint("Generate one with: openssl rand -hex 32.");
		return false;
	}
	return true;
}

/*
 * Reads the key file into buf (PII_MAX_KEY_FILE_BYTES + 1 bytes) without its
 * trailing whitespace; on failure sets a GUC message (sizes and the path only,
 * never the contents) and returns false.
 */
static bool
ReadKeyFile(const char *path, char *buf, int *len)
{
	struct stat st;
	int			fd;
	int			n = 0;
	int			saved_errno;

	if (strlen(path) >= MAXPGPATH)
	{
		GUC_check_errmsg("edupredict.pii_key_file is too long a path");
		return false;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);	/* a FIFO must not block */
	if (fd < 0)
	{
		GUC_check_errmsg("could not open edupredict.pii_key_file \"%s\": %m", path);
		return false;
	}
	if (fstat(fd, &st) != 0)
	{
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
		GUC_check_errmsg("could not stat edupredict.pii_key_file \"%s\": %m", path);
		return false;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
	{
		close(fd);
		if (!S_ISREG(st.st_mode))
			GUC_check_errmsg("edupredict.pii_key_file \"%s\" is not a regular file", path);
		else
		{
			GUC_check_errmsg("edupredict.pii_key_file \"%s\" has group or world access", path);
			GUC_check_errdetail("The file must be readable by the server's account only.");
			GUC_check_errhint("Run chmod 600 on the file.");
		}
		return false;
	}
	while (n <= PII_MAX_KEY_FILE_BYTES)
	{
		ssize_t		r = read(fd, buf + n, PII_MAX_KEY_FILE_BYTES + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
		{
			saved_errno = errno;
			close(fd);
			errno = saved_errno;
			if (r < 0)
			{
				GUC_check_errmsg("could not read edupredict.pii_key_file \"%s\": %m", path);
				return false;
			}
			break;
		}
		n += r;
	}
	if (n > PII_MAX_KEY_FILE_BYTES)
	{
		close(fd);
		GUC_check_errmsg("edupredict.pii_key_file \"%s\" is larger than %d bytes", path, PII_MAX_KEY_FILE_BYTES);
		return false;
	}
	while (n > 0 && strchr(" \t\r\n", buf[n - 1]) != NULL)
		n--;
	buf[n] = '\0';
	if ((int) strlen(buf) != n || strpbrk(buf, "\r\n") != NULL)
	{
		GUC_check_errmsg("edupredict.pii_key_file \"%s\" must hold the key on one line of text", path);
		return false;
	}
	if (n < PII_MIN_KEY_BYTES)
	{
		GUC_check_errmsg("the key in edupredict.pii_key_file \"%s\" is too short", path);
		GUC_check_errdetail("The key has %d bytes; at least %d are required.", n, PII_MIN_KEY_BYTES);
		return false;
	}
	*len = n;
	return true;
}

/*
 * ReadKeyFile, refusing a file rewritten in place since this process (or,
 * in a parallel worker, the postmaster) last loaded that path.
 */
static bool
ReadUnchangedKeyFile(const char *path, char *buf, int *len)
{
	if (!ReadKeyFile(path, buf, len))
		return false;
	if (loaded_len >= 0 && strcmp(loaded_path, path) == 0 &&
		(loaded_len != *len || memcmp(loaded_key, buf, *len) != 0))
	{
		/* The key in use changes only when the setting does: see docs/pii.md. */
		GUC_check_errmsg("edupredict.pii_key_file \"%s\" changed since the server loaded it", path);
		GUC_check_errdetail("A key file rewritten in place would let sessions and parallel workers use different keys.");
		GUC_check_errhint("Write the new key to a new file, point edupredict.pii_key_file at it, and reload.");
		return false;
	}
	return true;
}

static bool
CheckKeyFile(char **newval, void **extra, GucSource source)
{
	char		buf[PII_MAX_KEY_FILE_BYTES + 1];
	int			len = 0;
	KeyFileExtra *e = NULL;
	bool		ok;

	*extra = NULL;
	if (*newval == NULL || (*newval)[0] == '\0')
		return true;

	/*
	 * A parallel worker restoring its leader's settings reads nothing: a
	 * refusal here would fail every parallel query, hashing or not.
	 */
	if (InitializingParallelWorker)
		return true;
	ok = ReadUnchangedKeyFile(*newval, buf, &len);
	if (ok)
	{
		e = malloc(offsetof(KeyFileExtra, key) + len + 1);	/* GUC extra: malloc */
		if (e == NULL)
		{
			GUC_check_errmsg("out of memory");
			ok = false;
		}
		else
		{
			e->len = len;
			memcpy(e->key, buf, len + 1);
			*extra = e;
		}
	}
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

static void
AssignKey(const char *newval, void *extra)
{
	key_generation++;
}

static void
AssignKeyFile(const char *newval, void *extra)
{
	file_key = (const KeyFileExtra *) extra;
	key_generation++;
	if (InitializingParallelWorker)
		return;					/* keep the postmaster's copy to compare with */
	explicit_bzero(loaded_key, sizeof(loaded_key));
	loaded_len = -1;
	if (file_key != NULL)
	{
		strlcpy(loaded_path, newval, sizeof(loaded_path));
		memcpy(loaded_key, file_key->key, file_key->len);
		loaded_len = file_key->len;
	}
}

/*
 * In a parallel worker: the key in its leader's edupredict.pii_key_file,
 * read at the first hash.  A file that cannot be used fails the hash with
 * the message a reload would log, as PostgreSQL reports a refused setting
 * (the GUC_check_* strings are already translated).
 */
static const char *
WorkerFileKey(void)
{
	int			len;

	if (worker_key_read)
		return worker_key;
	GUC_check_errmsg_string = NULL;
	GUC_check_errdetail_string = NULL;
	GUC_check_errhint_string = NULL;
	if (!ReadUnchangedKeyFile(pii_key_file, worker_key, &len))
	{
		explicit_bzero(worker_key, sizeof(worker_key));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg_internal("%s", GUC_check_errmsg_string),
				 GUC_check_errdetail_string ? errdetail_internal("%s", GUC_check_errdetail_string) : 0,
				 GUC_check_errhint_string ? errhint("%s", GUC_check_errhint_string) : 0));
	}
	worker_key_read = true;
	return worker_key;
}

/*
 * Writes 2 * LEADER_KEY_DIGEST_BYTES hex digits (and a NUL) of HMAC-SHA256
 * under key of a fixed label and the phone country; false if the HMAC failed.
 */
static bool
LeaderKeyDigest(const char *key, const char *country, char *hex)
{
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	bool		ok;

	ok = ctx != NULL &&
		pg_hmac_init(ctx, (const uint8 *) key, strlen(key)) == 0 &&
		pg_hmac_update(ctx, (const uint8 *) leader_key_label, sizeof(leader_key_label) - 1) == 0 &&
		pg_hmac_update(ctx, (const uint8 *) country, strlen(country)) == 0 &&
		pg_hmac_final(ctx, digest, sizeof(digest)) == 0;
	pg_hmac_free(ctx);
	if (ok)
		hex[hex_encode((const char *) digest, LEADER_KEY_DIGEST_BYTES, hex)] = '\0';
	return ok;
}

/*
 * The key settings and phone country this transaction hashes with: copied at
 * its first query (or first hash, whichever comes first) and kept until it
 * ends (UnpinKeyAtXactEnd), whatever reloads arrive meanwhile.  Copied again
 * only when one of them was assigned since the last copy.
 */
static void
PinKey(void)
{
	bool		key_set;
	bool		file_set;
	char	   *raw = NULL;
	char		digest[2 * LEADER_KEY_DIGEST_BYTES + 1];

	if (pin.pinned)
		return;
	if (pin.generation == key_generation)
	{
		pin.pinned = true;
		return;
	}
	key_set = pii_key[0] != '\0';
	file_set = file_key != NULL;
	if (key_set != file_set)
	{
		raw = strdup(file_set ? file_key->key : pii_key);
		if (raw == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
	}
	strlcpy(pin.country, pii_phone_country, sizeof(pin.country));
	if (raw == NULL || !LeaderKeyDigest(raw, pin.country, digest))
		digest[0] = '\0';		/* hashing fails in the leader too */
	if (pin.raw != NULL)
	{
		explicit_bzero(pin.raw, strlen(pin.raw));
		free(pin.raw);
	}
	pin.raw = raw;
	pin.key_set = key_set;
	pin.file_set = file_set;
	strlcpy(pin.digest, digest, sizeof(pin.digest));
	pin.generation = key_generation;
	pin.pinned = true;
}

/* A cursor WITH HOLD is materialised before this (PreCommit_Portals). */
static void
UnpinKeyAtXactEnd(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE)
		pin.pinned = false;
}

/*
 * Before each query of a session (not of a worker, and not inside a parallel
 * operation, where settings cannot change): publish the digest of the key
 * this transaction uses, or '' if it has none, for the workers the query may
 * start.  Set again whenever the setting differs (a rolled-back transaction
 * restores the old value).
 */
static void
PublishLeaderKey(void)
{
	if (IsParallelWorker() || IsInParallelMode())
		return;
	PinKey();
	if (strcmp(pii_leader_fingerprint, pin.digest) != 0)
		(void) set_config_option_ext(LEADER_KEY_SETTING, pin.digest, PGC_SUSET, PGC_S_OVERRIDE,
									 BOOTSTRAP_SUPERUSERID, GUC_ACTION_SET, true, ERROR, false);
}

static void
PublishLeaderKeyExecutorStart(QueryDesc *queryDesc, int eflags)
{
	PublishLeaderKey();
	if (prev_executor_start)
		prev_executor_start(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/*
 * In a parallel worker: refuses to hash unless raw and its phone country are
 * the key and country the leader published.  The worker reads the key file
 * itself, and gets the settings as its leader's last reload left them, so a
 * file replaced since the leader loaded it, or a reload since the leader's
 * transaction pinned them, would otherwise mix two keys' (or countries')
 * pseudonyms in one result.  Checked once per worker: its settings do not
 * change.
 */
static void
CheckLeaderKey(const char *raw)
{
	static bool checked = false;
	char		digest[2 * LEADER_KEY_DIGEST_BYTES + 1];

	if (checked)
		return;
	if (!LeaderKeyDigest(raw, pii_phone_country, digest))
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
				 errmsg("could not compute HMAC-SHA256 of the pii key")));
	if (strcmp(digest, pii_leader_fingerprint) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the pii key changed during the query"),
				 errdetail("A parallel worker loaded another key or phone country than the ones its leader's transaction uses."),
				 errhint("Run the query again in a new transaction; if it fails again, run it from a new session, which loads the key in use.")));
	checked = true;
}

bool
edupredict_pii_valid_country(const char *s, int len)
{
	if (len < 1 || len > 4 || s[0] == '0')
		return false;
	for (int i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

static bool
CheckPhoneCountry(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || !edupredict_pii_valid_country(*newval, strlen(*newval)))
	{
		GUC_check_errdetail("A country calling code has 1 to 4 digits and does not start with 0, such as 44.");
		return false;
	}
	return true;
}

static void
AssignPhoneCountry(const char *newval, void *extra)
{
	key_generation++;
}

const char *
edupredict_pii_key_value(void)
{
	return pii_key;
}

const char *
edupredict_pii_file_key_value(void)
{
	if (worker_key_read)
		return worker_key;
	return file_key ? file_key->key : NULL;
}

const char *
edupredict_pii_pinned_key_value(void)
{
	return pin.raw;
}

/* In a session, the country its transaction pinned; in a worker, its own (CheckLeaderKey). */
const char *
edupredict_pii_default_country(void)
{
	if (IsParallelWorker())
		return pii_phone_country;
	PinKey();
	return pin.country;
}

void
edupredict_pii_init(void)
{
	DefineCustomStringVariable("edupredict.pii_key",
							   "Secret key for sha256_pii (HMAC-SHA256).",
							   "Set in postgresql.conf (or by ALTER SYSTEM) and reload; never shown. Prefer edupredict.pii_key_file.",
							   &pii_key,
							   "",
							   PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							   CheckKey, AssignKey, ShowKey);

	DefineCustomStringVariable("edupredict.pii_key_file",
							   "File holding the secret key for sha256_pii, read at every reload.",
							   "The file must be readable by the server's account only. Do not also set edupredict.pii_key.",
							   &pii_key_file,
							   "",
							   PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE,
							   CheckKeyFile, AssignKeyFile, NULL);

	DefineCustomStringVariable("edupredict.pii_phone_country",
							   "Country calling code that replaces a leading 0 in phone numbers for sha256_pii.",
							   "Server-wide so that every session (and node) gives the same pseudonyms; pass phone_country to sha256_pii for other countries.",
							   &pii_phone_country,
							   "44",
							   PGC_SIGHUP,
							   0,
							   CheckPhoneCountry, AssignPhoneCountry, NULL);

	DefineCustomStringVariable(LEADER_KEY_SETTING,
							   "Internal: digest of the pii key a parallel query's leader uses.",
							   "Set by edupredict before each query; parallel workers hash only under the same key.",
							   &pii_leader_fingerprint,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE |
							   GUC_NO_RESET_ALL | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, ShowLeaderKey);

	prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = PublishLeaderKeyExecutorStart;
	RegisterXactCallback(UnpinKeyAtXactEnd, NULL);
}

/* True if a pg_db_role_setting entry (name=value) names a key setting. */
static bool
SettingsNameKey(ArrayType *arr)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	bool		found = false;

	if (ARR_NDIM(arr) != 1 || ARR_ELEMTYPE(arr) != TEXTOID)
		return false;
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n && !found; i++)
	{
		if (!nulls[i])
			found = pg_strncasecmp(TextDatumGetCString(elems[i]), "edupredict.pii_key", 18) == 0;
	}
	return found;
}

/*
 * 0.1.0 accepted ALTER DATABASE/ROLE ... SET edupredict.pii_key.  Such values
 * are now ignored, but they still sit in pg_db_role_setting, which every role
 * can read unless an administrator revoked that: refuse to run until they
 * are gone.  Checked once per process (first use), as nothing can store
 * them again.
 */
static void
CheckNoKeyInRoleSettings(void)
{
	static bool clean = false;
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	if (clean)
		return;
	if (pg_class_aclcheck(DbRoleSettingRelationId, ACL_ID_PUBLIC, ACL_SELECT) != ACLCHECK_OK)
	{
		clean = true;
		return;
	}
	rel = table_open(DbRoleSettingRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, Anum_pg_db_role_setting_setconfig,
									 RelationGetDescr(rel), &isnull);

		found = !isnull && SettingsNameKey(DatumGetArrayTypeP(d));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (found)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("a value for edupredict.pii_key is stored where every role can read it"),
				 errdetail("ALTER DATABASE or ALTER ROLE stored it in pg_db_role_setting, which is readable by PUBLIC; edupredict no longer uses it."),
				 errhint("As a superuser, run SELECT edupredict.forget_stored_pii_keys(), then rotate the key if it was the one in use.")));
	clean = true;
}

/*
 * The key in use as UTF-8 bytes: in a session, the key its transaction
 * pinned (PinKey); in a parallel worker, its own, if it is its leader's.
 * Errors never include it.  Exactly one of the two settings may be set: with
 * both, nodes or sessions could disagree about which one is in use, so that
 * is an error rather than a precedence.
 */
const char *
edupredict_pii_get_key(int *len)
{
	const char *raw;
	const char *key;
	bool		key_set;
	bool		file_set;

	if (!edupredict_preloaded)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("sha256_pii requires edupredict in shared_preload_libraries"),
				 errdetail("Without preloading, edupredict.pii_key is an ordinary placeholder setting that any role can read or set."),
				 errhint("Add edupredict to shared_preload_libraries in postgresql.conf and restart the server.")));
	if (IsParallelWorker())
	{
		/* A worker's file_key is unset: it reads its leader's path when asked. */
		key_set = pii_key[0] != '\0';
		file_set = pii_key_file[0] != '\0';
	}
	else
	{
		PinKey();
		key_set = pin.key_set;
		file_set = pin.file_set;
	}
	if (key_set && file_set)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("edupredict.pii_key and edupredict.pii_key_file are both set"),
				 errdetail("Only one source of the key is allowed, so that no server can silently use the other one."),
				 errhint("Remove one of them from postgresql.conf (or run ALTER SYSTEM RESET) and reload the server.")));
	if (!key_set && !file_set)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("edupredict.pii_key is not set"),
				 errhint("As a superuser, set edupredict.pii_key_file (a file readable only by the server, holding at least %d random bytes) or edupredict.pii_key in postgresql.conf and reload the server; a refused key file is reported in the server log.",
						 PII_MIN_KEY_BYTES)));
	CheckNoKeyInRoleSettings();

	if (IsParallelWorker())
	{
		raw = file_set ? WorkerFileKey() : pii_key;
		CheckLeaderKey(raw);
	}
	else
		raw = pin.raw;
	key = pg_server_to_any(raw, strlen(raw), PG_UTF8);
	*len = strlen(key);
	if (*len < PII_MIN_KEY_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("edupredict.pii_key is too short"),
				 errdetail("Converted to UTF-8 from this database's encoding, the key has %d bytes; at least %d are required.",
						   *len, PII_MIN_KEY_BYTES),
				 errhint("As a superuser, set a key of at least %d bytes in UTF-8 (such as random hex text) and reload the server.",
						 PII_MIN_KEY_BYTES)));
	return key;
}

#ifndef CSQLITESWITCHES_H
#define CSQLITESWITCHES_H

#include <sqlite3.h>

/// Turns the triggers of connection `db` on (`enabled` = 1) or off (0) and returns whether
/// they are on afterwards: `sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, …)`, which
/// Swift cannot call, as it is a C variadic function. Changing the setting makes every
/// prepared statement of `db` compile again before its next step.
int runner_sqlite3_set_triggers_enabled(sqlite3 *db, int enabled);

/// Turns the foreign-key checks of connection `db` on (1) or off (0) and returns whether they
/// are on afterwards: `sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, …)`. It takes
/// effect even inside a transaction, where `PRAGMA foreign_keys` is ignored because SQLite's
/// count of deferred violations assumes the setting holds for the whole transaction: change
/// it only outside one. It too makes every prepared statement of `db` compile again.
int runner_sqlite3_set_foreign_keys_enabled(sqlite3 *db, int enabled);

#endif

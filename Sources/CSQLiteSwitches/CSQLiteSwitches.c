#include "CSQLiteSwitches.h"

int runner_sqlite3_set_triggers_enabled(sqlite3 *db, int enabled) {
    int result = -1;
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, enabled, &result);
    return result;
}

int runner_sqlite3_set_foreign_keys_enabled(sqlite3 *db, int enabled) {
    int result = -1;
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, enabled, &result);
    return result;
}

#ifndef INDAGA_CSQLITE_SHIM_H
#define INDAGA_CSQLITE_SHIM_H

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro that casts -1 to a function pointer, which Swift
   cannot import; this typed constant tells SQLite to copy bound text and blobs. */
static inline sqlite3_destructor_type indaga_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif

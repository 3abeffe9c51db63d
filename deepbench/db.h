/* The DeepBench RNN inference suite: its problems as spec files compiled into the binary
 * (deepbench/server/, deepbench/device/), and the `deepbench:NAME` short form. */
#ifndef RNNC_DB_H
#define RNNC_DB_H

#include <stddef.h>

#include "../ir/ctx.h"

#define DB_PREFIX "deepbench:"

size_t db_spec_count(void);
const Embedded *db_spec(size_t i);
/* "lstm-1024-t25" (server set first, then device), or "server/NAME", "device/NAME". */
const Embedded *db_find_spec(const char *name);
/* The set a spec belongs to: "server" or "device". */
const char *db_spec_set(const Embedded *e);
/* The problem name of a spec file: its base name without ".yaml". */
const char *db_spec_name(Ctx *c, const Embedded *e);
/* A list of the names nearest to `name`, for "did you mean" messages (NULL if none is near). */
const char *db_suggest(Ctx *c, const char *name);

#endif

/* The DeepBench suite, compiled in from deepbench/server/\*.yaml and deepbench/device/\*.yaml. */
#include <string.h>

#include "db.h"

extern const Embedded db_specs[];
extern const size_t db_specs_count;

size_t
db_spec_count(void)
{
	return db_specs_count;
}

const Embedded *
db_spec(size_t i)
{
	IR_ASSERT(i < db_specs_count);
	return &db_specs[i];
}

const char *
db_spec_set(const Embedded *e)
{
	return strncmp(e->path, "deepbench/device/", 17) ? "server" : "device";
}

const char *
db_spec_name(Ctx *c, const Embedded *e)
{
	const char *base = strrchr(e->path, '/') + 1;

	return ir_strndup(&c->arena, base, strlen(base) - strlen(".yaml"));
}

static int
matches(const Embedded *e, const char *set, const char *name)
{
	const char *base = strrchr(e->path, '/') + 1;
	size_t len = strlen(name);

	return (!set || !strcmp(db_spec_set(e), set)) && !strncmp(base, name, len) &&
	       !strcmp(base + len, ".yaml");
}

const Embedded *
db_find_spec(const char *name)
{
	const char *set = NULL, *slash = strchr(name, '/');
	char buf[16];
	size_t i, pass;

	if (slash) {
		if ((size_t)(slash - name) >= sizeof buf)
			return NULL;
		memcpy(buf, name, (size_t)(slash - name));
		buf[slash - name] = 0;
		set = buf;
		name = slash + 1;
	}
	for (pass = 0; pass < 2; pass++) {  /* the server set wins over the device set */
		for (i = 0; i < db_specs_count; i++) {
			const char *want = set ? set : pass == 0 ? "server" : "device";

			if (matches(&db_specs[i], want, name))
				return &db_specs[i];
		}
	}
	return NULL;
}

const char *
db_suggest(Ctx *c, const char *name)
{
	const char *best = NULL;
	int bestd = 4;
	size_t i;

	for (i = 0; i < db_specs_count; i++) {
		const char *cand = db_spec_name(c, &db_specs[i]);
		int d = ir_edit_distance(name, cand, 4);

		if (d < bestd)
			bestd = d, best = cand;
	}
	return best;
}

/* The sweep's result cache (sweep.h): what a point gave, kept on disk under a key of everything
 * that decides it, so that an interrupted sweep resumes and the shards of a job array merge.
 *
 * DIR/cache/KEY.TAG.txt holds one record a line, appended as points finish:
 *   P POINT | maps kind role need have unit bound cycles latency area power energy util pcus
 *     pmus dots #CHECK
 *   S POINT | sim_cycles sim_power sim_energy #CHECK
 * (POINT: rows cols pmu_kib hu ru rv hv folded combine epilogue candidate hoist weights weight_bits
 * act_bits lut_entries)
 * (CHECK: FNV-1a of the text before it). KEY is the caller's hash of the spec, the target and
 * rnnc itself; TAG names the writer (`all`, or `3of8` for a shard), so concurrent shards never
 * share a file. Loading reads every KEY.*.txt, each line that does not check skipped: a line cut by a kill is simply not there. Doubles are written with 17 digits and read
 * back to the same bits, so a result from the cache equals the one computed. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sweep.h"

uint64_t
dse_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t
line_check(const char *s, size_t n)
{
	return dse_hash(0xcbf29ce484222325ull, s, n);
}

/* ---- finding a point by its knobs -------------------------------------------------------- */

/* What tells the points of a sweep apart: the fabric and the knobs the space varies. */
typedef struct PointId {
	int v[16];
} PointId;

static PointId
point_id(const DseResult *r)
{
	const Knobs *k = &r->k;
	PointId id = {{r->rows, r->cols, r->pmu_kib, k->hu, k->ru, k->rv, k->hv > 1 ? k->hv : 1,
	               k->folded, k->combine, k->epilogue, k->candidate, k->hoist_input > 0, k->weights,
	               r->wbits,
	               r->abits, r->lut}};

	return id;
}

static uint64_t
id_hash(const PointId *id)
{
	return dse_hash(0xcbf29ce484222325ull, id->v, sizeof id->v);
}

typedef struct Index {
	int64_t *slot;  /* point + 1, 0 empty */
	int64_t mask;
} Index;

static int
index_build(Index *x, const DseSweep *w)
{
	int64_t n = 1, i;

	while (n < 2 * w->npoints)
		n <<= 1;
	x->slot = calloc((size_t)n, sizeof *x->slot);
	if (!x->slot)
		return -1;
	x->mask = n - 1;
	for (i = 0; i < w->npoints; i++) {
		PointId id = point_id(&w->res[i]);
		int64_t h = (int64_t)(id_hash(&id) & (uint64_t)x->mask);

		while (x->slot[h])
			h = (h + 1) & x->mask;
		x->slot[h] = i + 1;
	}
	return 0;
}

static int64_t
index_find(const Index *x, const DseSweep *w, const PointId *id)
{
	int64_t h = (int64_t)(id_hash(id) & (uint64_t)x->mask);

	for (; x->slot[h]; h = (h + 1) & x->mask) {
		PointId o = point_id(&w->res[x->slot[h] - 1]);

		if (!memcmp(&o, id, sizeof o))
			return x->slot[h] - 1;
	}
	return -1;
}

/* A walk's cache: every record read, by its point, for points met one at a time. */
typedef struct DseCacheTable {
	PointId *id;
	DseResult *rec;   /* the fields a record gives (done, sim_done say which came) */
	int64_t n, cap;
	int64_t *slot;    /* index + 1, 0 empty */
	int64_t mask;
} DseCacheTable;

static int64_t
table_find(const DseCacheTable *t, const PointId *id)
{
	int64_t h;

	if (!t->slot)
		return -1;
	for (h = (int64_t)(id_hash(id) & (uint64_t)t->mask); t->slot[h]; h = (h + 1) & t->mask) {
		if (!memcmp(&t->id[t->slot[h] - 1], id, sizeof *id))
			return t->slot[h] - 1;
	}
	return -1;
}

static void
table_slot(DseCacheTable *t, int64_t i)
{
	int64_t h = (int64_t)(id_hash(&t->id[i]) & (uint64_t)t->mask);

	while (t->slot[h])
		h = (h + 1) & t->mask;
	t->slot[h] = i + 1;
}

/* The record of point id, added when new. */
static DseResult *
table_get(DseCacheTable *t, const PointId *id)
{
	int64_t i = table_find(t, id);

	if (i >= 0)
		return &t->rec[i];
	if (t->n == t->cap) {
		int64_t cap = t->cap ? 2 * t->cap : 1024, j;
		PointId *nid = realloc(t->id, (size_t)cap * sizeof *nid);
		DseResult *nrec = nid ? realloc(t->rec, (size_t)cap * sizeof *nrec) : NULL;

		if (nid)
			t->id = nid;
		if (!nid || !nrec)
			IR_BUG("out of memory");
		t->rec = nrec;
		t->cap = cap;
		free(t->slot);
		t->mask = 2 * cap - 1;
		if (!(t->slot = calloc((size_t)(2 * cap), sizeof *t->slot)))
			IR_BUG("out of memory");
		for (j = 0; j < t->n; j++)
			table_slot(t, j);
	}
	i = t->n++;
	t->id[i] = *id;
	memset(&t->rec[i], 0, sizeof t->rec[i]);
	table_slot(t, i);
	return &t->rec[i];
}

int
dse_cache_take(DseSweep *w, DseResult *r)
{
	PointId id = point_id(r);
	int64_t i = w->ctab ? table_find(w->ctab, &id) : -1;
	const DseResult *c;

	if (i < 0 || !w->ctab->rec[i].done)
		return 0;
	c = &w->ctab->rec[i];
	r->maps = c->maps;
	r->why = c->why;
	memcpy(r->unit, c->unit, sizeof r->unit);
	r->bound = c->bound;
	r->cycles = c->cycles;
	r->latency_us = c->latency_us;
	r->area_mm2 = c->area_mm2;
	r->power_mw = c->power_mw;
	r->energy_uj = c->energy_uj;
	r->util = c->util;
	r->pcus = c->pcus;
	r->pmus = c->pmus;
	r->dots = c->dots;
	r->done = 1;
	w->cached++;
	if (c->sim_done) {
		r->sim_cycles = c->sim_cycles;
		r->sim_power_mw = c->sim_power_mw;
		r->sim_energy_uj = c->sim_energy_uj;
		r->sim_done = 1;
		w->cached++;
	}
	return 1;
}

/* ---- records ----------------------------------------------------------------------------- */

static int
id_text(char *buf, size_t n, const PointId *id)
{
	int i, at = 0;

	for (i = 0; i < (int)(sizeof id->v / sizeof id->v[0]); i++)
		at += snprintf(buf + at, n - (size_t)at, i ? " %d" : "%d", id->v[i]);
	return at;
}

static void
put_line(FILE *f, char *line, int len)
{
	if (len <= 0 || (size_t)len >= 1024)
		IR_BUG("a cache record does not fit its line");
	fprintf(f, "%s #%016" PRIx64 "\n", line, line_check(line, (size_t)len));
}

void
dse_cache_put(FILE *f, const DseResult *r, int sim)
{
	char line[1024];
	int n = 0;
	PointId id;

	n += snprintf(line, sizeof line, "%c ", sim ? 'S' : 'P');
	id = point_id(r);
	n += id_text(line + n, sizeof line - (size_t)n, &id);
	if (sim)
		n += snprintf(line + n, sizeof line - (size_t)n, " | %" PRId64 " %.17g %.17g",
		              r->sim_cycles, r->sim_power_mw, r->sim_energy_uj);
	else
		n += snprintf(line + n, sizeof line - (size_t)n, " | %d %d %d %" PRId64 " %" PRId64
		              " %s %" PRId64 " %" PRId64 " %.17g %.17g %.17g %.17g %.17g %d %d %d",
		              r->maps, (int)r->why.kind, r->why.role, r->why.need, r->why.have,
		              r->unit[0] ? r->unit : "-", r->bound, r->cycles, r->latency_us,
		              r->area_mm2, r->power_mw, r->energy_uj, r->util, r->pcus, r->pmus, r->dots);
	put_line(f, line, n);
	fflush(f);
}

/* One line into w; 0 taken, 1 not a point of this sweep, -1 damaged. */
static int
take_line(DseSweep *w, const Index *x, char *line)
{
	char *hash = strrchr(line, '#'), *end;
	uint64_t check;
	PointId id;
	DseResult *r;
	int64_t i;
	int kind, used = 0;
	char tag;

	if (!hash || hash == line || hash[-1] != ' ')
		return -1;
	check = strtoull(hash + 1, &end, 16);
	if (*end != '\n' && *end != 0)
		return -1;
	if (check != line_check(line, (size_t)(hash - 1 - line)))
		return -1;
	if (sscanf(line, "%c %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d |%n", &tag, &id.v[0],
	           &id.v[1], &id.v[2], &id.v[3], &id.v[4], &id.v[5], &id.v[6], &id.v[7], &id.v[8],
	           &id.v[9], &id.v[10], &id.v[11], &id.v[12], &id.v[13], &id.v[14], &id.v[15],
	           &used) != 17 ||
	    !used)
		return -1;
	if (w->ctab)
		r = table_get(w->ctab, &id);
	else if ((i = index_find(x, w, &id)) >= 0)
		r = &w->res[i];
	else
		return 1;
	if (tag == 'S') {
		if (sscanf(line + used, "%" SCNd64 " %lf %lf", &r->sim_cycles, &r->sim_power_mw,
		           &r->sim_energy_uj) != 3)
			return -1;
		r->sim_done = 1;
		return 0;
	}
	if (tag != 'P')
		return -1;
	if (sscanf(line + used, "%d %d %d %" SCNd64 " %" SCNd64 " %47s %" SCNd64 " %" SCNd64
	           " %lf %lf %lf %lf %lf %d %d %d", &r->maps, &kind, &r->why.role, &r->why.need,
	           &r->why.have, r->unit, &r->bound, &r->cycles, &r->latency_us, &r->area_mm2,
	           &r->power_mw, &r->energy_uj, &r->util, &r->pcus, &r->pmus, &r->dots) != 16 ||
	    kind < 0 || kind > MAP_FAIL_OTHER)
		return -1;
	r->why.kind = (MapFailKind)kind;
	if (!strcmp(r->unit, "-"))
		r->unit[0] = 0;
	r->done = 1;
	return 0;
}

static int
load_file(DseSweep *w, const Index *x, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (!f)
		return -1;
	/* a line that does not check (cut by a kill, or glued to the next run's first record)
	 * is skipped: every line stands alone */
	while (fgets(line, sizeof line, f))
		w->cached += take_line(w, x, line) == 0 && !w->ctab;
	fclose(f);
	return 0;
}

int
dse_cache_open(Ctx *c, DseSweep *w, const char *dir, const char *tag)
{
	char cdir[4200], path[4400], prefix[40];
	DIR *d;
	struct dirent *e;
	Index x;

	snprintf(cdir, sizeof cdir, "%s/cache", dir);
	if (mkdir(cdir, 0777) < 0 && errno != EEXIST) {
		ir_error(c, (Loc){0}, "cannot create '%s': %s", cdir, strerror(errno));
		return -1;
	}
	if (w->used != DSE_STRATEGY_EXHAUSTIVE) {
		/* a walk: the records by point, taken as it meets them (dse_cache_take) */
		if (!(w->ctab = calloc(1, sizeof *w->ctab)))
			IR_BUG("out of memory");
		memset(&x, 0, sizeof x);
	} else if (index_build(&x, w) < 0) {
		ir_error(c, (Loc){0}, "the sweep's %lld points do not fit in memory",
		         (long long)w->npoints);
		return -1;
	}
	snprintf(prefix, sizeof prefix, "%016" PRIx64 ".", w->key);
	if ((d = opendir(cdir))) {
		char **names = NULL;
		size_t n = 0, cap = 0, i;

		/* in name order, so that which record of a point wins does not depend on the
		 * directory's order (they are equal anyway) */
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);

			if (strncmp(e->d_name, prefix, strlen(prefix)) || len < 4 ||
			    strcmp(e->d_name + len - 4, ".txt"))
				continue;
			if (n == cap) {
				char **g = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);

				if (!g)
					IR_BUG("out of memory");
				names = g;
			}
			if (!(names[n++] = strdup(e->d_name)))
				IR_BUG("out of memory");
		}
		closedir(d);
		for (i = 1; i < n; i++) {
			char *t = names[i];
			size_t j = i;

			for (; j > 0 && strcmp(names[j - 1], t) > 0; j--)
				names[j] = names[j - 1];
			names[j] = t;
		}
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof path, "%s/%s", cdir, names[i]);
			load_file(w, &x, path);
			free(names[i]);
		}
		free(names);
	}
	free(x.slot);
	snprintf(path, sizeof path, "%s/%s%s.txt", cdir, prefix, tag);
	if (!(w->cache = fopen(path, "a+"))) {
		ir_error(c, (Loc){0}, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	/* a record cut short at the end starts no line of its own for the next one */
	if (fseek(w->cache, -1, SEEK_END) == 0 && fgetc(w->cache) != '\n')
		fputc('\n', w->cache);
	fseek(w->cache, 0, SEEK_END);
	return 0;
}

void
dse_cache_close(DseSweep *w)
{
	if (w->cache)
		fclose(w->cache);
	w->cache = NULL;
	if (w->ctab) {
		free(w->ctab->id);
		free(w->ctab->rec);
		free(w->ctab->slot);
		free(w->ctab);
		w->ctab = NULL;
	}
}

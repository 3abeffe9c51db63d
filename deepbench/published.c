/* The published figures (published.h), read from deepbench/published.csv as compiled in. */
#include <stdlib.h>
#include <string.h>

#include "../ir/ir.h"
#include "db.h"
#include "published.h"

extern const Embedded db_published_csv[], db_platforms_csv[];

static const struct {
	const char *key, *name;
} platforms[] = {
	{"v100", "NVIDIA Tesla V100 SXM2"},
	{"bw", "Brainwave, Stratix 10 280"},
	{"plasticine-paper", "the paper's Plasticine"},
	{"titanxp", "NVIDIA Titan Xp (DeepBench)"},
	{"xeon", "Xeon Skylake"},
};

const char *
db_platform_name(const char *platform)
{
	size_t i;

	for (i = 0; i < sizeof platforms / sizeof platforms[0]; i++) {
		if (!strcmp(platforms[i].key, platform))
			return platforms[i].name;
	}
	return platform;
}

/* Field k of a CSV line of n fields whose last may be quoted (and hold commas). */
static int
split(Ctx *c, const char *line, size_t len, const char **f, int n)
{
	const char *p = line, *end = line + len;
	int k;

	for (k = 0; k < n - 1; k++) {
		const char *q = memchr(p, ',', (size_t)(end - p));

		if (!q)
			return -1;
		f[k] = ir_strndup(&c->arena, p, (size_t)(q - p));
		p = q + 1;
	}
	if (p < end && *p == '"' && end - p >= 2 && end[-1] == '"')
		f[k] = ir_strndup(&c->arena, p + 1, (size_t)(end - p - 2));
	else
		f[k] = ir_strndup(&c->arena, p, (size_t)(end - p));
	return 0;
}

/* The figures of an embedded CSV file of `nf` fields (6: problem first; 5: none). */
static int
load(Ctx *c, const Embedded *e, int nf, const DbFigure **out, int *n)
{
	const char *p = (const char *)e->data, *end = p + e->len;
	DbFigure *fig;
	int cap = 0, line = 0;

	for (; p < end; p++)
		cap += *p == '\n';
	fig = ir_alloc_array(&c->arena, (size_t)cap + 1, sizeof *fig);
	*n = 0;
	for (p = (const char *)e->data; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f[6], **g = f + 6 - nf;
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *stop;

		line++;
		f[0] = "";
		if (len && *p != '#') {
			DbFigure *d = &fig[*n];

			if (split(c, p, len, g, nf) < 0) {
				ir_error(c, (Loc){0}, "%s:%d: expected %d fields", e->path, line, nf);
				return -1;
			}
			d->problem = f[0];
			d->platform = f[1];
			d->metric = f[2];
			d->value = strtod(f[3], &stop);
			d->unit = f[4];
			d->source = f[5];
			if (*stop || stop == f[3]) {
				ir_error(c, (Loc){0}, "%s:%d: '%s' is not a number", e->path, line, f[3]);
				return -1;
			}
			(*n)++;
		}
		p += len + 1;
	}
	*out = fig;
	return 0;
}

int
db_published(Ctx *c, const DbFigure **out, int *n)
{
	return load(c, &db_published_csv[0], 6, out, n);
}

int
db_platforms(Ctx *c, const DbFigure **out, int *n)
{
	return load(c, &db_platforms_csv[0], 5, out, n);
}

const DbFigure *
db_figure(const DbFigure *fig, int n, const char *problem, const char *platform,
          const char *metric)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(fig[i].problem, problem) && !strcmp(fig[i].platform, platform) &&
		    !strcmp(fig[i].metric, metric))
			return &fig[i];
	}
	return NULL;
}

const char *
db_problem_of(Ctx *c, const CellSpec *s)
{
	char name[64];

	if (s->input != s->hidden)
		return NULL;
	snprintf(name, sizeof name, "%s-%d-t%d", ir_cell_name(s->cell), s->hidden, s->timesteps);
	if (s->batch > 1)
		snprintf(name + strlen(name), sizeof name - strlen(name), "-b%d", s->batch);
	return db_find_spec(name) ? ir_strdup(&c->arena, name) : NULL;
}

void
db_compare_print(Ctx *c, const CellSpec *s, double latency_us, FILE *out)
{
	const char *prob = db_problem_of(c, s), *src[8];
	const DbFigure *fig;
	int n, i, k, nsrc = 0, any = 0;

	if (!prob || db_published(c, &fig, &n) < 0)
		return;
	for (i = 0; i < n; i++) {
		const DbFigure *f = &fig[i];

		if (strcmp(f->problem, prob) || strcmp(f->metric, "latency"))
			continue;
		for (k = 0; k < nsrc && strcmp(src[k], f->source); k++)
			;
		if (k == nsrc && nsrc < 8)
			src[nsrc++] = f->source;
		if (!any++)
			fprintf(out, "  published    %s at batch 1, latency (deepbench/published.csv):\n",
			        prob);
		fprintf(out, "    %-28s %10.6g ms  rnnc %.2fx %s [%d]\n", db_platform_name(f->platform),
		        f->value, f->value * 1000 / latency_us,
		        f->value * 1000 >= latency_us ? "faster" : "slower", k + 1);
	}
	for (k = 0; k < nsrc; k++)
		fprintf(out, "    [%d] %s\n", k + 1, src[k]);
	if (!any)
		fprintf(out, "  published    none for %s: no platform in deepbench/published.csv "
		        "reports it\n", prob);
}

void
db_compare_json(Ctx *c, const CellSpec *s, double latency_us, FILE *out)
{
	const char *prob = db_problem_of(c, s);
	const DbFigure *fig;
	int n, i, any = 0;

	if (!prob || db_published(c, &fig, &n) < 0)
		return;
	fprintf(out, "  \"published\": {\"problem\": \"%s\", \"figures\": [", prob);
	for (i = 0; i < n; i++) {
		const DbFigure *f = &fig[i];

		if (strcmp(f->problem, prob))
			continue;
		fprintf(out, "%s\n    {\"platform\": \"%s\", \"metric\": \"%s\", \"value\": %.6g, "
		        "\"unit\": \"%s\", ", any++ ? "," : "", f->platform, f->metric, f->value, f->unit);
		if (!strcmp(f->metric, "latency"))
			fprintf(out, "\"rnnc_speedup\": %.6f, ", f->value * 1000 / latency_us);
		fputs("\"source\": ", out);
		ir_json_string(out, f->source);
		fputc('}', out);
	}
	fprintf(out, "%s]},\n", any ? "\n  " : "");
}

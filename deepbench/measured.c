/* The measured figures (measured.h): a CSV of bench/gpu_cudnn.py, its header line naming the
 * columns, `#` lines comments. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../frontend/fe.h"
#include "measured.h"

/* The columns read, by name (the file may have others, in any order). */
enum { C_PROBLEM, C_PRECISION, C_LATENCY, C_DEVICE, C_DRIVER, C_CUDNN, C_TORCH, C_DATE, C_SOURCE,
       NCOL };

static const char *const colname[NCOL] = {
	"problem", "precision", "latency_ms", "device", "driver", "cudnn", "torch", "date", "source",
};

/* The fields of a line, at most max; their count. */
static int
fields(Ctx *c, const char *p, size_t len, const char **f, int max)
{
	const char *end = p + len;
	int k = 0;

	for (;;) {
		const char *q = memchr(p, ',', (size_t)(end - p));

		if (k == max)
			return max + 1;
		f[k++] = ir_strndup(&c->arena, p, (size_t)((q ? q : end) - p));
		if (!q)
			return k;
		p = q + 1;
	}
}

int
db_measured_read(Ctx *c, const char *path, int optional, const DbMeasured **out, int *n)
{
	enum { MAXF = 32 };
	const SrcFile *sf;
	const char *p, *end, *f[MAXF + 1];
	int at[NCOL], line = 0, nf, k, j, header = 0, cap = 1;
	DbMeasured *m;
	struct stat st;

	*out = NULL;
	*n = 0;
	if (optional && stat(path, &st) < 0 && errno == ENOENT)
		return 1;
	if (!(sf = fe_read_file(c, path)))
		return -1;
	for (p = sf->text, end = p + sf->len; p < end; p++)
		cap += *p == '\n';
	m = ir_alloc_array(&c->arena, (size_t)cap, sizeof *m);
	for (p = sf->text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		Loc loc = {sf, ++line, 1};

		if (len && p[len - 1] == '\r')
			len--;
		if (!len || *p == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		nf = fields(c, p, len, f, MAXF);
		if (nf > MAXF) {
			ir_error(c, loc, "more than %d fields", MAXF);
			return -1;
		}
		if (!header) {
			for (k = 0; k < NCOL; k++) {
				for (at[k] = -1, j = 0; j < nf; j++) {
					if (!strcmp(f[j], colname[k]))
						at[k] = j;
				}
				if (at[k] < 0 && k <= C_DEVICE) {
					ir_error(c, loc, "the header has no column '%s' (is this a CSV of "
					         "bench/gpu_cudnn.py?)", colname[k]);
					return -1;
				}
			}
			header = 1;
		} else {
			DbMeasured *d = &m[*n];
			const char **v[NCOL] = {&d->problem, &d->precision, NULL, &d->device,
			                        &d->driver, &d->cudnn, &d->torch, &d->date,
			                        &d->source};
			char *stop;

			for (k = 0; k < NCOL; k++) {
				if (at[k] >= nf) {
					ir_error(c, loc, "%d fields, the header has %d", nf, at[k] + 1);
					return -1;
				}
				if (v[k])
					*v[k] = at[k] < 0 ? "" : f[at[k]];
			}
			errno = 0;
			d->latency_ms = strtod(f[at[C_LATENCY]], &stop);
			if (stop == f[at[C_LATENCY]] || *stop || errno || !(d->latency_ms > 0)) {
				ir_error(c, loc, "latency_ms '%s' is not a positive number",
				         f[at[C_LATENCY]]);
				return -1;
			}
			if (!*d->problem) {
				ir_error(c, loc, "no problem named");
				return -1;
			}
			if (!*d->source)
				d->source = "measured by rnnc's bench/gpu_cudnn.py";
			(*n)++;
		}
		p = nl ? nl + 1 : end;
	}
	if (!header) {
		ir_error(c, (Loc){sf, 1, 1}, "no header line: the file is empty");
		return -1;
	}
	*out = m;
	return 0;
}

const DbMeasured *
db_measured_find(const DbMeasured *m, int n, const char *problem)
{
	const DbMeasured *any = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(m[i].problem, problem))
			continue;
		if (!strcmp(m[i].precision, "fp32"))
			return &m[i];
		if (!any)
			any = &m[i];
	}
	return any;
}

/* Table-driven decoding of YAML mappings into C structs, with the checks and messages shared by
 * specs and targets. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

typedef struct Dec {
	Ctx *c;
	int nerr;
} Dec;

static void
err(Dec *d, Loc l, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
err(Dec *d, Loc l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ir_vdiag(d->c, DIAG_ERROR, l, fmt, ap);
	va_end(ap);
	d->nerr++;
}

/* [-+]?[0-9]+ ; *overflow is set when it does not fit in 64 bits. */
static int
parse_int(const char *s, int64_t *out, int *overflow)
{
	const char *p = s;
	char *end;
	long long v;

	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	*overflow = errno == ERANGE;
	*out = v;
	return 1;
}

static int
parse_num(const char *s, double *out)
{
	char *end;
	const char *p;

	/* plain decimal notation only: no hex floats, no inf/nan words */
	for (p = s; *p; p++) {
		if (!strchr("0123456789+-.eE", *p))
			return 0;
	}
	if (!*s)
		return 0;
	errno = 0;
	*out = strtod(s, &end);
	return *end == 0;
}

static const char *
join(Ctx *c, const char *path, const char *key)
{
	return *path ? ir_sprintf(&c->arena, "%s.%s", path, key) : key;
}

/* The value must be a plain scalar; says what it is otherwise. */
static int
want_scalar(Dec *d, const YNode *v, const char *name, const char *what)
{
	if (v->kind == YN_NULL) {
		err(d, v->loc, "'%s' has no value; expected %s", name, what);
		return 0;
	}
	if (v->kind != YN_SCALAR) {
		err(d, v->loc, "'%s' must be %s, not a %s", name, what, fe_kind_name(v));
		return 0;
	}
	return 1;
}

static void
decode_int(Dec *d, const Field *f, const YNode *v, const char *name, int *dst)
{
	int64_t x;
	int overflow;
	double dv;
	const char *what = f->lo >= 1 ? "a positive integer" : "an integer";

	if (!want_scalar(d, v, name, what))
		return;
	if (v->quoted) {
		err(d, v->loc, "'%s' must be %s, not the string \"%s\"%s", name, what, v->str,
		    parse_int(v->str, &x, &overflow) ? " (remove the quotes)" : "");
		return;
	}
	if (!parse_int(v->str, &x, &overflow)) {
		if (parse_num(v->str, &dv))
			err(d, v->loc, "'%s' must be %s, got %s", name, what, v->str);
		else
			err(d, v->loc, "'%s' must be %s, got '%s'", name, what, v->str);
		return;
	}
	if (overflow) {
		err(d, v->loc, "'%s' = %s is out of range (it does not fit in 64 bits); the limit is "
		    "%lld", name, v->str, (long long)f->hi);
		return;
	}
	if (x < f->lo) {
		if (f->lo == 1)
			err(d, v->loc, "'%s' must be a positive integer, got %lld", name, (long long)x);
		else
			err(d, v->loc, "'%s' must be at least %lld, got %lld", name, (long long)f->lo,
			    (long long)x);
		return;
	}
	if (x > f->hi) {
		err(d, v->loc, "'%s' = %lld is too large; the limit is %lld", name, (long long)x,
		    (long long)f->hi);
		return;
	}
	*dst = (int)x;
}

static int
decode_num_value(Dec *d, const Field *f, const YNode *v, const char *name, double *dst)
{
	double x;

	if (!want_scalar(d, v, name, "a number"))
		return 0;
	if (v->quoted || !parse_num(v->str, &x)) {
		err(d, v->loc, "'%s' must be a number, got %s'%s'", name, v->quoted ? "the string " : "",
		    v->str);
		return 0;
	}
	if (!isfinite(x)) {
		err(d, v->loc, "'%s' = %s is out of range", name, v->str);
		return 0;
	}
	if (x < f->flo || x > f->fhi) {
		err(d, v->loc, "'%s' = %s is out of range; it must be between %g and %g", name, v->str,
		    f->flo, f->fhi);
		return 0;
	}
	*dst = x;
	return 1;
}

static void
decode_bool(Dec *d, const YNode *v, const char *name, int *dst)
{
	static const char *const t[] = {"true", "True", "TRUE", NULL};
	static const char *const fa[] = {"false", "False", "FALSE", NULL};
	int i;

	if (!want_scalar(d, v, name, "true or false"))
		return;
	for (i = 0; !v->quoted && t[i]; i++) {
		if (!strcmp(v->str, t[i])) {
			*dst = 1;
			return;
		}
		if (!strcmp(v->str, fa[i])) {
			*dst = 0;
			return;
		}
	}
	err(d, v->loc, "'%s' must be true or false, got '%s'", name, v->str);
}

/* The nearest candidate to `s` by edit distance, if it is near enough to be a likely typo. */
static const char *
nearest(const char *s, const char *const *cands, size_t ncand, size_t stride)
{
	const char *best = NULL;
	int bestd = 3, dist;
	size_t i;

	for (i = 0; i < ncand; i++) {
		const char *cand = *(const char *const *)((const char *)cands + i * stride);

		dist = ir_edit_distance(s, cand, 3);
		if (dist < bestd && dist < (int)strlen(cand)) {
			bestd = dist;
			best = cand;
		}
	}
	return best;
}

/* "a, b or c" into the arena */
static const char *
list_names(Ctx *c, const char *const *names, size_t n, size_t stride, const char *last_sep)
{
	size_t i, len = 1;
	char *buf, *p;

	for (i = 0; i < n; i++)
		len += strlen(*(const char *const *)((const char *)names + i * stride)) + 8;
	p = buf = ir_alloc(&c->arena, len);
	for (i = 0; i < n; i++) {
		const char *s = *(const char *const *)((const char *)names + i * stride);

		if (i)
			p += sprintf(p, "%s", i + 1 == n ? last_sep : ", ");
		p += sprintf(p, "%s", s);
	}
	return buf;
}

static void
decode_enum(Dec *d, const Field *f, const YNode *v, const char *name, int *dst)
{
	size_t n, i;
	const char *near;

	for (n = 0; f->names[n]; n++)
		;
	if (!want_scalar(d, v, name, list_names(d->c, f->names, n, sizeof *f->names, " or ")))
		return;
	for (i = 0; i < n; i++) {
		if (!strcmp(v->str, f->names[i])) {
			*dst = (int)i;
			return;
		}
	}
	near = nearest(v->str, f->names, n, sizeof *f->names);
	if (near)
		err(d, v->loc, "unknown %s '%s'; did you mean '%s'?", f->key, v->str, near);
	else
		err(d, v->loc, "unknown %s '%s'; expected %s", f->key, v->str,
		    list_names(d->c, f->names, n, sizeof *f->names, " or "));
}

static void
decode_choice(Dec *d, const Field *f, const YNode *v, const char *name, int *dst)
{
	char buf[128], *p = buf;
	int64_t x;
	int overflow, i, n;

	for (n = 0; f->choices[n]; n++)
		p += snprintf(p, sizeof buf - (size_t)(p - buf), "%s%d",
		              n == 0 ? "" : f->choices[n + 1] ? ", " : " or ", f->choices[n]);
	if (!want_scalar(d, v, name, buf))
		return;
	if (!v->quoted && parse_int(v->str, &x, &overflow) && !overflow) {
		for (i = 0; i < n; i++) {
			if (x == f->choices[i]) {
				*dst = (int)x;
				return;
			}
		}
	}
	if (v->quoted)
		err(d, v->loc, "'%s' must be %s, not the string \"%s\"%s", name, buf, v->str,
		    parse_int(v->str, &x, &overflow) ? " (remove the quotes)" : "");
	else
		err(d, v->loc, "'%s' must be %s, got %s", name, buf, v->str);
}

static int
valid_name(const char *s)
{
	const char *p;

	if (!*s || *s == '.' || *s == '-' || *s == '_')
		return 0;
	for (p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return 0;
	}
	return p - s <= SPEC_MAX_NAME;
}

static void
decode_field(Dec *d, const Field *f, const YNode *v, const char *name, char *obj, DecodeMode mode)
{
	void *dst = obj + f->off;

	switch (f->kind) {
	case FK_INT:
		decode_int(d, f, v, name, dst);
		break;
	case FK_NUM:
		decode_num_value(d, f, v, name, dst);
		break;
	case FK_BOOL:
		decode_bool(d, v, name, dst);
		break;
	case FK_STR:
	case FK_NAME:
		if (!want_scalar(d, v, name, "a string"))
			break;
		if (f->kind == FK_NAME && !valid_name(v->str)) {
			err(d, v->loc, "'%s' must be a name of at most %d letters, digits, '_', '-' or "
			    "'.', starting with a letter or digit; got '%s'", name, SPEC_MAX_NAME,
			    v->str);
			break;
		}
		*(const char **)dst = v->str;
		break;
	case FK_ENUM:
		decode_enum(d, f, v, name, dst);
		break;
	case FK_CHOICE:
		decode_choice(d, f, v, name, dst);
		break;
	case FK_RANGE: {
		double r[2];
		const char *en;

		if (v->kind != YN_SEQ || v->n != 2) {
			err(d, v->loc, "'%s' must be a sequence of two numbers, [low, high]", name);
			break;
		}
		en = ir_sprintf(&d->c->arena, "%s[0]", name);
		if (!decode_num_value(d, f, v->vals[0], en, &r[0]))
			break;
		en = ir_sprintf(&d->c->arena, "%s[1]", name);
		if (!decode_num_value(d, f, v->vals[1], en, &r[1]))
			break;
		if (!(r[0] < r[1])) {
			err(d, v->loc, "'%s' must have low < high, got [%g, %g]", name, r[0], r[1]);
			break;
		}
		memcpy(dst, r, sizeof r);
		break;
	}
	case FK_SECTION:
		if (v->kind == YN_NULL)
			break;
		d->nerr += fe_decode(d->c, v, f->sub, obj, name, NULL, mode);
		break;
	}
}

/* A section some of whose keys are required. */
static int
section_required(const Field *f)
{
	const Field *s;

	for (s = f->sub; s->key; s++) {
		if (s->flags & F_REQUIRED)
			return 1;
	}
	return 0;
}

int
fe_decode(Ctx *c, const YNode *map, const Field *fields, void *obj, const char *path,
          const char *what, DecodeMode mode)
{
	Dec d = {c, 0};
	const Field *f;
	int i, j, nf;
	char where[160], *suggested;

	if (what)
		snprintf(where, sizeof where, "%s", what);
	else
		snprintf(where, sizeof where, "section '%s'", path);
	if (map->kind != YN_MAP) {
		if (*path)
			err(&d, map->loc, "'%s' must be a mapping of keys to values, not a %s", path,
			    fe_kind_name(map));
		else
			err(&d, map->loc, "%s must be a mapping of keys to values, not a %s", where,
			    fe_kind_name(map));
		return d.nerr;
	}
	for (nf = 0; fields[nf].key; nf++)
		;
	suggested = ir_alloc_array(&c->arena, (size_t)nf, sizeof *suggested);
	for (i = 0; i < map->n; i++) {
		const YNode *k = map->keys[i];

		for (f = fields; f->key && strcmp(f->key, k->str); f++)
			;
		if (f->key && (f->flags & F_EXTERNAL))
			continue;
		if (!f->key) {
			const char *near = nearest(k->str, &fields[0].key, (size_t)nf, sizeof *fields);

			if (near) {
				err(&d, k->loc, "unknown key '%s' in %s; did you mean '%s'?", k->str, where,
				    near);
				for (j = 0; j < nf; j++)  /* then "missing 'near'" would say it twice */
					suggested[j] |= fields[j].key == near;
			}
			else
				err(&d, k->loc, "unknown key '%s' in %s; valid keys are %s", k->str, where,
				    list_names(c, &fields[0].key, (size_t)nf, sizeof *fields, " and "));
			continue;
		}
		decode_field(&d, f, map->vals[i], join(c, path, f->key), obj, mode);
	}
	if (mode == DECODE_FULL) {
		/* one message per mapping, naming every missing key */
		const char **miss = ir_alloc_array(&c->arena, (size_t)nf, sizeof *miss);
		int nmiss = 0;

		for (f = fields; f->key; f++) {
			if (fe_map_get(map, f->key) || suggested[f - fields])
				continue;
			if (f->kind == FK_SECTION && section_required(f))
				miss[nmiss++] = ir_sprintf(&c->arena, "section '%s'", join(c, path, f->key));
			else if (f->flags & F_REQUIRED)
				miss[nmiss++] = ir_sprintf(&c->arena, "'%s'", join(c, path, f->key));
		}
		if (nmiss == 1)
			err(&d, map->loc, "missing required %s%s in %s", strncmp(miss[0], "section", 7) ?
			    "key " : "", miss[0], where);
		else if (nmiss > 1)
			err(&d, map->loc, "missing required keys and sections in %s: %s", where,
			    list_names(c, miss, (size_t)nmiss, sizeof *miss, " and "));
	}
	return d.nerr;
}

Loc
fe_loc_of(const YNode *doc, const char *path)
{
	const YNode *n = doc;
	char key[64];
	const char *p = path, *dot;

	while (*p) {
		const YNode *next;
		size_t len;

		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (len >= sizeof key)
			break;
		memcpy(key, p, len);
		key[len] = 0;
		next = fe_map_get(n, key);
		if (!next)
			break;
		n = next;
		p = dot ? dot + 1 : p + len;
	}
	return n->loc;
}

/* Shortest %g form that reads back as the same double. */
static void
emit_num(FILE *out, double x)
{
	char buf[40];
	int prec;

	for (prec = 6; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	fputs(buf, out);
}

static int
field_is_set(const Field *f, const char *obj)
{
	const void *src = obj + f->off;

	switch (f->kind) {
	case FK_INT:
		return !(f->lo >= 1 && *(const int *)src == 0);
	case FK_BOOL:
		return *(const int *)src >= 0;
	case FK_ENUM:  /* negative: unset, where the field's default is the program's to choose */
		return *(const int *)src >= 0 && (!(f->flags & F_DEFAULT0) || *(const int *)src != 0);
	case FK_NUM:
		return !(f->flags & F_UNSET0) || *(const double *)src != 0;
	case FK_STR:
	case FK_NAME:
		return *(const char *const *)src != NULL;
	case FK_SECTION: {
		const Field *s;

		for (s = f->sub; s->key; s++) {
			if (field_is_set(s, obj))
				return 1;
		}
		return 0;
	}
	default:
		return 1;
	}
}

void
fe_emit(FILE *out, const Field *fields, const void *obj_, int indent)
{
	const char *obj = obj_;
	const Field *f;

	for (f = fields; f->key; f++) {
		const void *src = obj + f->off;

		if (!field_is_set(f, obj) || (f->flags & F_EXTERNAL))
			continue;
		fprintf(out, "%*s%s:", indent, "", f->key);
		switch (f->kind) {
		case FK_INT:
		case FK_CHOICE:
			fprintf(out, " %d", *(const int *)src);
			break;
		case FK_NUM:
			fputc(' ', out);
			emit_num(out, *(const double *)src);
			break;
		case FK_BOOL:
			fputs(*(const int *)src ? " true" : " false", out);
			break;
		case FK_STR:
		case FK_NAME: {
			const char *s = *(const char *const *)src;

			fputs(" \"", out);
			for (; *s; s++) {
				if (*s == '"' || *s == '\\')
					fprintf(out, "\\%c", *s);
				else if (*s == '\n')
					fputs("\\n", out);
				else if ((unsigned char)*s < 0x20 || *s == 0x7f)
					fprintf(out, "\\x%02x", (unsigned char)*s);
				else
					fputc(*s, out);
			}
			fputc('"', out);
			break;
		}
		case FK_ENUM:
			fprintf(out, " %s", f->names[*(const int *)src]);
			break;
		case FK_RANGE:
			fputs(" [", out);
			emit_num(out, ((const double *)src)[0]);
			fputs(", ", out);
			emit_num(out, ((const double *)src)[1]);
			fputc(']', out);
			break;
		case FK_SECTION:
			fputc('\n', out);
			fe_emit(out, f->sub, obj, indent + 2);
			continue;
		}
		fputc('\n', out);
	}
}

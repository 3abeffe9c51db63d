/* Reading spec and target files: checks on the bytes, then libyaml's event parser builds a tree of
 * YNodes that keep their locations for later diagnostics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "fe.h"

static Loc
loc_at(const SrcFile *f, int line, int col)
{
	Loc l = {f, line, col};
	return l;
}

/* The bytes must be UTF-8 (a byte-order mark is allowed) with no NUL and no control characters
 * other than tab, newline and carriage return. Reports the first offending byte. */
static int
check_text(Ctx *c, const SrcFile *f)
{
	const unsigned char *p = (const unsigned char *)f->text, *end = p + f->len;
	int line = 1, col = 1, n;

	if (f->len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	for (; p < end; p += n, col++) {
		n = ir_utf8_len(p, (size_t)(end - p));
		if (n == 0) {
			if (p == (const unsigned char *)f->text && f->len >= 2 &&
			    ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
				ir_error(c, (Loc){0}, "%s: the file is UTF-16; rnnc reads UTF-8 only",
				         f->name);
			else
				ir_error(c, loc_at(f, line, col),
				         "invalid UTF-8 byte 0x%02x; the file must be UTF-8 text", *p);
			return -1;
		}
		if (*p == '\n') {
			line++;
			col = 0;
		} else if (*p == 0) {
			ir_error(c, loc_at(f, line, col), "NUL byte in the file; is it a text file?");
			return -1;
		} else if ((*p < 0x20 && *p != '\t' && *p != '\r') || *p == 0x7f) {
			ir_error(c, loc_at(f, line, col), "control character 0x%02x in the file", *p);
			return -1;
		}
	}
	return 0;
}

const SrcFile *
fe_add_text(Ctx *c, const char *name, const char *text, size_t len)
{
	const SrcFile *f;
	size_t i;

	if (len > FE_MAX_FILE) {
		ir_error(c, (Loc){0}, "%s: file too large (%zu bytes; the limit is %d)", name, len,
		         FE_MAX_FILE);
		return NULL;
	}
	f = ir_add_source(c, name, text, len);
	if (check_text(c, f) < 0)
		return NULL;
	for (i = 0; i < len; i++) {
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			break;
	}
	if (i == len) {
		ir_error(c, (Loc){0}, "%s: the file is empty", name);
		return NULL;
	}
	return f;
}

const SrcFile *
fe_read_file(Ctx *c, const char *path)
{
	struct stat st;
	FILE *fp;
	char *buf;
	size_t len;
	const SrcFile *f;

	if (stat(path, &st) < 0) {
		ir_error(c, (Loc){0}, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		ir_error(c, (Loc){0}, "'%s' is a directory, not a spec file", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		ir_error(c, (Loc){0}, "'%s' is not a regular file", path);
		return NULL;
	}
	if (st.st_size > FE_MAX_FILE) {
		ir_error(c, (Loc){0}, "'%s' is too large (%lld bytes; the limit is %d)", path,
		         (long long)st.st_size, FE_MAX_FILE);
		return NULL;
	}
	fp = fopen(path, "rb");
	if (!fp) {
		ir_error(c, (Loc){0}, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		IR_BUG("out of memory");
	len = fread(buf, 1, (size_t)st.st_size + 1, fp);
	if (ferror(fp)) {
		ir_error(c, (Loc){0}, "cannot read '%s': %s", path, strerror(errno));
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	if (len > (size_t)st.st_size) {
		ir_error(c, (Loc){0}, "'%s' changed while it was read", path);
		free(buf);
		return NULL;
	}
	f = fe_add_text(c, path, buf, len);
	free(buf);
	return f;
}

/* ---- the tree ---------------------------------------------------------------------------- */

typedef struct Parser {
	Ctx *c;
	const SrcFile *f;
	yaml_parser_t yp;
	yaml_event_t ev;
	int have_ev;
} Parser;

static Loc
mark_loc(Parser *p, yaml_mark_t m)
{
	return loc_at(p->f, (int)m.line + 1, (int)m.column + 1);
}

/* The byte at a location of the file (NUL past the end). */
static unsigned char
byte_at(const SrcFile *f, Loc l)
{
	const unsigned char *q = (const unsigned char *)f->text, *end = q + f->len;
	int line = 1, col = 1, n;

	if (f->len >= 3 && !memcmp(q, "\xef\xbb\xbf", 3))
		q += 3;
	while (q < end && line < l.line)
		line += *q++ == '\n';
	for (; q < end && col < l.col && *q != '\n'; col++) {
		n = ir_utf8_len(q, (size_t)(end - q));
		q += n ? n : 1;
	}
	return q < end ? *q : 0;
}

/* Says what libyaml found, where it helps most: an unclosed quote or bracket is reported where
 * it opens, not at the end of the file; tabs and over-indented keys get a hint. */
static void
report_yaml_error(Parser *p)
{
	const char *problem = p->yp.problem ? p->yp.problem : "malformed YAML";
	Loc l = mark_loc(p, p->yp.problem_mark);
	unsigned char at = byte_at(p->f, l);

	if (p->yp.error == YAML_READER_ERROR) {
		/* the reader reports a byte offset, not a line */
		ir_error(p->c, (Loc){0}, "%s: invalid input: %s", p->f->name, problem);
	} else if (at == '\t') {
		ir_error(p->c, l, "invalid YAML: a tab character; YAML indents with spaces only");
	} else if (p->yp.context && at == 0) {
		ir_error(p->c, mark_loc(p, p->yp.context_mark),
		         "invalid YAML: the file ends %s; %s", p->yp.context, problem);
	} else if (p->yp.context) {
		ir_error(p->c, l, "invalid YAML: %s (%s that starts at line %d, column %d)",
		         problem, p->yp.context, (int)p->yp.context_mark.line + 1,
		         (int)p->yp.context_mark.column + 1);
	} else if (!strcmp(problem, "mapping values are not allowed in this context")) {
		ir_error(p->c, l, "invalid YAML: a key is not allowed here; check the indentation "
		         "of this line and the one above");
	} else {
		ir_error(p->c, l, "invalid YAML: %s", problem);
	}
}

static int
next_event(Parser *p)
{
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	p->have_ev = 0;
	if (!yaml_parser_parse(&p->yp, &p->ev)) {
		report_yaml_error(p);
		return -1;
	}
	p->have_ev = 1;
	return 0;
}

static YNode *parse_node(Parser *p, int depth);

static void
push(Arena *a, YNode ***arr, int *n, int *cap, YNode *x)
{
	if (*n == *cap) {
		YNode **na;

		*cap = *cap ? 2 * *cap : 4;
		na = ir_alloc_array(a, (size_t)*cap, sizeof *na);
		if (*n)
			memcpy(na, *arr, (size_t)*n * sizeof *na);
		*arr = na;
	}
	(*arr)[(*n)++] = x;
}

static YNode *
new_node(Parser *p, YKind kind, yaml_mark_t m)
{
	YNode *n = ir_alloc(&p->c->arena, sizeof *n);

	n->kind = kind;
	n->loc = mark_loc(p, m);
	return n;
}

static int
is_null_text(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

/* Parses the node whose first event is in p->ev. */
static YNode *
parse_node(Parser *p, int depth)
{
	yaml_event_t *e = &p->ev;
	YNode *n, *k, *v;
	int cap = 0, vcap = 0;

	{
		const yaml_char_t *tag = e->type == YAML_SCALAR_EVENT ? e->data.scalar.tag :
		                         e->type == YAML_MAPPING_START_EVENT ? e->data.mapping_start.tag :
		                         e->type == YAML_SEQUENCE_START_EVENT ? e->data.sequence_start.tag :
		                         NULL;

		/* a tag would change what a value means ("!!str 5" is not the number 5) */
		if (tag) {
			ir_error(p->c, mark_loc(p, e->start_mark),
			         "YAML tags (%s) are not supported in rnnc files; quote a value to make it "
			         "a string", (const char *)tag);
			return NULL;
		}
	}
	switch (e->type) {
	case YAML_ALIAS_EVENT:
		ir_error(p->c, mark_loc(p, e->start_mark),
		         "YAML aliases (*%s) are not supported in rnnc files; write the value out",
		         (const char *)e->data.alias.anchor);
		return NULL;
	case YAML_SCALAR_EVENT:
		n = new_node(p, YN_SCALAR, e->start_mark);
		n->str = ir_strndup(&p->c->arena, (const char *)e->data.scalar.value,
		                    e->data.scalar.length);
		if (strlen(n->str) != e->data.scalar.length) {
			ir_error(p->c, n->loc, "NUL character in a scalar");
			return NULL;
		}
		n->quoted = e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		if (!n->quoted && is_null_text(n->str))
			n->kind = YN_NULL;
		return n;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		break;
	default:
		ir_error(p->c, mark_loc(p, e->start_mark), "unexpected YAML event");
		return NULL;
	}
	if (depth >= FE_MAX_DEPTH) {
		ir_error(p->c, mark_loc(p, e->start_mark),
		         "nesting is deeper than %d levels", FE_MAX_DEPTH);
		return NULL;
	}
	if (e->type == YAML_SEQUENCE_START_EVENT) {
		n = new_node(p, YN_SEQ, e->start_mark);
		for (;;) {
			if (next_event(p) < 0)
				return NULL;
			if (e->type == YAML_SEQUENCE_END_EVENT)
				return n;
			if (!(v = parse_node(p, depth + 1)))
				return NULL;
			push(&p->c->arena, &n->vals, &n->n, &cap, v);
		}
	}
	n = new_node(p, YN_MAP, e->start_mark);
	for (;;) {
		int i, nk;

		if (next_event(p) < 0)
			return NULL;
		if (e->type == YAML_MAPPING_END_EVENT)
			return n;
		if (!(k = parse_node(p, depth + 1)))
			return NULL;
		if (k->kind != YN_SCALAR) {
			ir_error(p->c, k->loc, "a key must be a plain name, not a %s",
			         fe_kind_name(k));
			return NULL;
		}
		for (i = 0; i < n->n; i++) {
			if (!strcmp(n->keys[i]->str, k->str)) {
				ir_error(p->c, k->loc, "duplicate key '%s'", k->str);
				ir_note(p->c, n->keys[i]->loc, "'%s' was first given here", k->str);
				return NULL;
			}
		}
		if (next_event(p) < 0)
			return NULL;
		if (!(v = parse_node(p, depth + 1)))
			return NULL;
		nk = n->n;
		push(&p->c->arena, &n->keys, &nk, &cap, k);
		push(&p->c->arena, &n->vals, &n->n, &vcap, v);
	}
}

const YNode *
fe_parse_yaml(Ctx *c, const SrcFile *f)
{
	Parser p = {.c = c, .f = f};
	YNode *root = NULL;
	int ok = 0;

	if (!yaml_parser_initialize(&p.yp))
		IR_BUG("libyaml could not initialize");
	/* a byte-order mark is not part of the document; columns count from after it */
	if (f->len >= 3 && !memcmp(f->text, "\xef\xbb\xbf", 3))
		yaml_parser_set_input_string(&p.yp, (const unsigned char *)f->text + 3, f->len - 3);
	else
		yaml_parser_set_input_string(&p.yp, (const unsigned char *)f->text, f->len);
	yaml_parser_set_encoding(&p.yp, YAML_UTF8_ENCODING);
	if (next_event(&p) < 0 || next_event(&p) < 0)  /* stream start, then a document */
		goto out;
	if (p.ev.type == YAML_STREAM_END_EVENT) {
		ir_error(c, (Loc){0}, "%s: the file has no YAML document", f->name);
		goto out;
	}
	if (next_event(&p) < 0 || !(root = parse_node(&p, 0)))
		goto out;
	if (next_event(&p) < 0)  /* document end */
		goto out;
	if (next_event(&p) < 0)
		goto out;
	if (p.ev.type != YAML_STREAM_END_EVENT) {
		ir_error(c, mark_loc(&p, p.ev.start_mark),
		         "a second YAML document; an rnnc file holds exactly one");
		goto out;
	}
	if (root->kind == YN_NULL) {
		ir_error(c, (Loc){0}, "%s: the document is empty", f->name);
		goto out;
	}
	ok = 1;
out:
	if (p.have_ev)
		yaml_event_delete(&p.ev);
	yaml_parser_delete(&p.yp);
	return ok ? root : NULL;
}

const YNode *
fe_map_get(const YNode *map, const char *key)
{
	int i;

	if (!map || map->kind != YN_MAP)
		return NULL;
	for (i = 0; i < map->n; i++) {
		if (!strcmp(map->keys[i]->str, key))
			return map->vals[i];
	}
	return NULL;
}

const char *
fe_kind_name(const YNode *n)
{
	switch (n->kind) {
	case YN_NULL: return "null value";
	case YN_SCALAR: return n->quoted ? "string" : "scalar";
	case YN_MAP: return "mapping";
	case YN_SEQ: return "sequence";
	}
	return "?";
}

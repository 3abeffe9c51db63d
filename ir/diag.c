/* Diagnostics: collected in the context, printed as `file:line:col: error: message` with the
 * source line and a caret, in the style of gcc and clang. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

void
ir_ctx_init(Ctx *c)
{
	memset(c, 0, sizeof *c);
	ir_arena_init(&c->arena);
}

void
ir_ctx_free(Ctx *c)
{
	ir_arena_free(&c->arena);
	free(c->diags);
	memset(c, 0, sizeof *c);
}

static int
shows_progress(const Ctx *c)
{
	return c->verbosity >= 0 && isatty(STDERR_FILENO);
}

void
ir_progress(const Ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!shows_progress(c))
		return;
	fputs("\rrnnc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr);
	fflush(stderr);
}

void
ir_progress_end(const Ctx *c)
{
	if (shows_progress(c))
		fputs("\r\033[K", stderr);
}

void
ir_ctx_reset(Ctx *c)
{
	ir_arena_reset(&c->arena);
	c->ndiags = 0;
	c->nerrors = 0;
}

const SrcFile *
ir_add_source(Ctx *c, const char *name, const char *text, size_t len)
{
	SrcFile *f = ir_alloc(&c->arena, sizeof *f);

	f->name = ir_strdup(&c->arena, name);
	f->text = ir_strndup(&c->arena, text, len);
	f->len = len;
	return f;
}

void
ir_vdiag(Ctx *c, DiagKind kind, Loc loc, const char *fmt, va_list ap)
{
	Diag *d;

	if (kind == DIAG_ERROR)
		c->nerrors++;
	if (c->ndiags >= IR_MAX_ERRORS)
		return;
	if (c->ndiags == c->capdiags) {
		c->capdiags = c->capdiags ? 2 * c->capdiags : 8;
		c->diags = realloc(c->diags, (size_t)c->capdiags * sizeof *c->diags);
		if (!c->diags)
			IR_BUG("out of memory");
	}
	d = &c->diags[c->ndiags++];
	d->kind = kind;
	d->loc = loc;
	{
		va_list aq;
		int n;

		va_copy(aq, ap);
		n = vsnprintf(NULL, 0, fmt, aq);
		va_end(aq);
		if (n < 0)
			IR_BUG("bad format '%s'", fmt);
		d->msg = ir_alloc(&c->arena, (size_t)n + 1);
		vsnprintf(d->msg, (size_t)n + 1, fmt, ap);
	}
}

#define DEFINE_DIAG(fn, kind)                                  \
	void fn(Ctx *c, Loc loc, const char *fmt, ...)         \
	{                                                      \
		va_list ap;                                    \
		va_start(ap, fmt);                             \
		ir_vdiag(c, kind, loc, fmt, ap);               \
		va_end(ap);                                    \
	}
DEFINE_DIAG(ir_error, DIAG_ERROR)
DEFINE_DIAG(ir_warning, DIAG_WARNING)
DEFINE_DIAG(ir_note, DIAG_NOTE)

int
ir_utf8_len(const unsigned char *s, size_t n)
{
	int len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* Prints the source line of `loc` and a caret under its column. Bytes that are not valid UTF-8
 * or are control characters print as '?' so that a diagnostic never writes garbage to the
 * terminal; each counts as one column, as the location does. */
static void
print_excerpt(Loc loc, FILE *out)
{
	const unsigned char *p = (const unsigned char *)loc.file->text;
	const unsigned char *end = p + loc.file->len;
	const unsigned char *q;
	int line = 1, col, n, width;
	char gutter[16];

	if (loc.file->len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;  /* a byte-order mark takes no column */
	while (p < end && line < loc.line) {
		if (*p++ == '\n')
			line++;
	}
	if (line != loc.line || p > end)
		return;
	width = snprintf(gutter, sizeof gutter, "%5d", loc.line);
	fprintf(out, "%s | ", gutter);
	for (q = p; q < end && *q != '\n' && *q != '\r'; q += n) {
		n = ir_utf8_len(q, (size_t)(end - q));
		if (n == 0 || (*q < 0x20 && *q != '\t') || *q == 0x7f) {
			fputc('?', out);
			n = 1;
		} else {
			fwrite(q, 1, (size_t)n, out);
		}
	}
	fprintf(out, "\n%*s | ", width, "");
	for (q = p, col = 1; col < loc.col && q < end && *q != '\n'; col++, q += n) {
		n = ir_utf8_len(q, (size_t)(end - q));
		if (n == 0)
			n = 1;
		fputc(*q == '\t' ? '\t' : ' ', out);
	}
	fputs("^\n", out);
}

void
ir_print_diag(const Diag *d, FILE *out)
{
	static const char *const kind[] = {"error", "warning", "note"};

	if (d->loc.file) {
		fprintf(out, "%s:%d:%d: %s: %s\n", d->loc.file->name, d->loc.line, d->loc.col,
		        kind[d->kind], d->msg);
		if (d->loc.line > 0)
			print_excerpt(d->loc, out);
	} else {
		fprintf(out, "rnnc: %s: %s\n", kind[d->kind], d->msg);
	}
}

void
ir_print_diags(const Ctx *c, FILE *out)
{
	int i;

	for (i = 0; i < c->ndiags; i++)
		ir_print_diag(&c->diags[i], out);
	if (c->nerrors > IR_MAX_ERRORS)
		fprintf(out, "rnnc: too many errors (%d); only the first ones are shown\n",
		        c->nerrors);
}

_Noreturn void
ir_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: internal error: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nthis is a bug in rnnc; please report it with the input that caused it\n", stderr);
	abort();
}

int
ir_edit_distance(const char *a, const char *b, int cap)
{
	int prev[64], cur[64];
	int la = (int)strlen(a), lb = (int)strlen(b), i, j, best;

	if (la >= 64 || lb >= 64)
		return cap;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		best = cur[0];
		for (j = 1; j <= lb; j++) {
			int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			if (cur[j] < best)
				best = cur[j];
		}
		if (best >= cap)
			return cap;
		memcpy(prev, cur, sizeof(int) * (size_t)(lb + 1));
	}
	return prev[lb] < cap ? prev[lb] : cap;
}

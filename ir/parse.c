/* The IR parser: reads the text ir_print writes (docs/ir.md) and builds the function with the
 * builder, so that a parsed function has the same structure as one built in memory. Value names
 * (%N) are labels, mapped to nodes as the text defines them. The parser checks syntax, names and
 * limits; the semantic rules are ir_verify's. It stops at the first error. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "ir.h"

enum {
	MAXDEPTH = 64,              /* nesting of loops */
	AFF_MAX = 2147483647,       /* magnitude of index coefficients, constants and bounds */
};

typedef enum { T_EOF, T_IDENT, T_NUM, T_VAL, T_PUNCT, T_BAD } TokKind;

/* two-character punctuators */
enum { P_GE = 256, P_LE, P_AND };

typedef struct Tok {
	TokKind kind;
	int punct;           /* T_PUNCT: the character or P_* */
	const char *s;       /* the text of the token */
	size_t n;
	Loc loc, end;        /* where it starts, and just after it */
} Tok;

/* An entry of a hash map: keyed by name, or by number when name is NULL. */
typedef struct Ent {
	int used;
	const char *name;
	int64_t num;
	int val;
	Loc loc;
} Ent;

typedef struct Map {
	Ent *e;
	size_t cap, n;
} Map;

/* A reference from a tensor's init to a tensor by name, resolved after all tensor lines. */
typedef struct InitRef {
	int tensor, slot;
	const char *name;
	Loc loc;
} InitRef;

typedef struct Parser {
	Ctx *c;
	const SrcFile *src;
	const unsigned char *pos, *end;
	int line, col;
	Tok tok;
	Loc prev;            /* just after the previous token */
	Loc close;           /* the last '}' that closed a block */
	Func *f;
	Builder b;
	Map vals;            /* %N -> node (0 while a reduce's result is not yet defined) */
	Map vars;            /* loop variable -> loop */
	Map tens;            /* tensor name -> index */
	InitRef *irefs;
	int nirefs, capirefs;
	jmp_buf fail;
} Parser;

/* ---- maps -------------------------------------------------------------------------------- */

static uint64_t
hash(const char *name, int64_t num)
{
	uint64_t h = 0xcbf29ce484222325u;

	if (!name)
		return ((uint64_t)num + 1) * 0x9e3779b97f4a7c15u;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3u;
	return h;
}

/* The entry of a key; a new unused one (inserted) when the key is absent. */
static Ent *
map_get(Map *m, const char *name, int64_t num)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		Map old = *m;

		m->cap = m->cap ? 2 * m->cap : 64;
		m->e = calloc(m->cap, sizeof *m->e);
		if (!m->e)
			IR_BUG("out of memory");
		m->n = 0;
		for (i = 0; i < old.cap; i++) {
			if (old.e[i].used)
				*map_get(m, old.e[i].name, old.e[i].num) = old.e[i];
		}
		free(old.e);
	}
	for (i = hash(name, num) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		Ent *e = &m->e[i];

		if (!e->used) {
			e->name = name;
			e->num = num;
			m->n++;
			return e;
		}
		if (name ? e->name && !strcmp(e->name, name) : !e->name && e->num == num)
			return e;
	}
}

/* ---- errors ------------------------------------------------------------------------------ */

static _Noreturn void
bail(Parser *p)
{
	longjmp(p->fail, 1);
}

static _Noreturn void fail(Parser *p, Loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static _Noreturn void
fail(Parser *p, Loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ir_vdiag(p->c, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	bail(p);
}

/* Where "expected X" points: at the token when it is on the line of the previous one, else
 * just after the previous token (the line ended too soon). */
static Loc
where(const Parser *p)
{
	if (p->tok.kind == T_EOF || p->tok.loc.line > p->prev.line)
		return p->prev;
	return p->tok.loc;
}

/* Describes the current token for messages: ", found 'x'", or where the text ended when the
 * token is on a later line (and `eol` is set). */
static const char *
found(const Parser *p, char *buf, size_t size, int eol)
{
	const Tok *t = &p->tok;
	unsigned char ch = (unsigned char)*t->s;

	if (t->kind == T_EOF)
		return " at end of file";
	if (eol && t->loc.line > p->prev.line)
		return " at end of line";
	if (t->kind == T_BAD && ch == 0)
		snprintf(buf, size, ", found a NUL byte");
	else if (t->kind == T_BAD && (ch < 0x20 || ch == 0x7f))
		snprintf(buf, size, ", found control character 0x%02x", ch);
	else if (t->kind == T_BAD && t->n == 1 && ch >= 0x80)
		snprintf(buf, size, ", found byte 0x%02x, which is not UTF-8", ch);
	else
		snprintf(buf, size, ", found '%.*s%s'", t->n > 32 ? 32 : (int)t->n, t->s,
		         t->n > 32 ? "..." : "");
	return buf;
}

/* "expected X" where a line or the file ended too soon, or at the token */
static _Noreturn void
expected(Parser *p, const char *what)
{
	char buf[80];

	fail(p, where(p), "expected %s%s", what, found(p, buf, sizeof buf, 1));
}

/* "expected X" at the token, wherever it is */
static _Noreturn void
unexpected(Parser *p, const char *what)
{
	char buf[80];

	fail(p, p->tok.loc, "expected %s%s", what, found(p, buf, sizeof buf, 0));
}

/* The candidate nearest to name, if it is near enough to be a likely typo. */
static const char *
nearest(const char *name, const char *const *cand, int n)
{
	const char *best = NULL;
	int i, d, bestd = 3;

	for (i = 0; i < n; i++) {
		if (!cand[i])
			continue;
		d = ir_edit_distance(name, cand[i], bestd);
		if (d < bestd && d < (int)strlen(cand[i])) {
			best = cand[i];
			bestd = d;
		}
	}
	return best;
}

/* "unknown WHAT 'name'; did you mean 'x'?" */
static _Noreturn void
unknown(Parser *p, Loc loc, const char *what, const char *name, const char *const *cand, int n)
{
	const char *s = nearest(name, cand, n);

	if (s)
		fail(p, loc, "unknown %s '%s'; did you mean '%s'?", what, name, s);
	fail(p, loc, "unknown %s '%s'", what, name);
}

/* ---- lexer ------------------------------------------------------------------------------- */

static int
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* Moves past one character (one code point; an invalid byte counts as one). */
static void
advance(Parser *p)
{
	int n;

	if (*p->pos == '\n') {
		p->pos++;
		p->line++;
		p->col = 1;
		return;
	}
	n = ir_utf8_len(p->pos, (size_t)(p->end - p->pos));
	p->pos += n ? n : 1;
	p->col++;
}

static Loc
here(const Parser *p)
{
	Loc l = {p->src, p->line, p->col};
	return l;
}

static void
lex(Parser *p)
{
	Tok *t = &p->tok;
	const unsigned char *s;
	int ch;

	for (;;) {
		while (p->pos < p->end && (*p->pos == ' ' || *p->pos == '\t' || *p->pos == '\r' ||
		                           *p->pos == '\n'))
			advance(p);
		if (p->pos < p->end && *p->pos == '#') {
			while (p->pos < p->end && *p->pos != '\n')
				advance(p);
			continue;
		}
		break;
	}
	t->loc = here(p);
	t->s = (const char *)p->pos;
	t->punct = 0;
	s = p->pos;
	if (p->pos == p->end) {
		t->kind = T_EOF;
	} else if (is_alpha(*s)) {
		t->kind = T_IDENT;
		while (p->pos < p->end && (is_alpha(*p->pos) || is_digit(*p->pos) || *p->pos == '.'))
			advance(p);
	} else if (is_digit(*s) || (*s == '.' && s + 1 < p->end && is_digit(s[1]))) {
		t->kind = T_NUM;
		while (p->pos < p->end) {
			ch = *p->pos;
			if ((ch == '+' || ch == '-') && (p->pos[-1] == 'e' || p->pos[-1] == 'E'))
				advance(p);
			else if (is_alpha(ch) || is_digit(ch) || ch == '.')
				advance(p);
			else
				break;
		}
	} else if (*s == '%') {
		t->kind = T_VAL;
		advance(p);
		while (p->pos < p->end && is_digit(*p->pos))
			advance(p);
	} else if (strchr("{}[](),:=+-*<>&", *s) && *s) {
		t->kind = T_PUNCT;
		t->punct = *s;
		advance(p);
		if (p->pos < p->end) {
			if (*s == '>' && *p->pos == '=')
				t->punct = P_GE;
			else if (*s == '<' && *p->pos == '=')
				t->punct = P_LE;
			else if (*s == '&' && *p->pos == '&')
				t->punct = P_AND;
			if (t->punct >= 256)
				advance(p);
		}
	} else {
		t->kind = T_BAD;
		advance(p);
	}
	t->n = (size_t)(p->pos - s);
	t->end = here(p);
}

static void
next(Parser *p)
{
	p->prev = p->tok.end;
	lex(p);
}

static int
is_punct(const Parser *p, int ch)
{
	return p->tok.kind == T_PUNCT && p->tok.punct == ch;
}

static int
accept(Parser *p, int ch)
{
	if (!is_punct(p, ch))
		return 0;
	next(p);
	return 1;
}

static void
expect(Parser *p, int ch, const char *what)
{
	if (!accept(p, ch))
		expected(p, what);
}

static int
is_kw(const Parser *p, const char *kw)
{
	return p->tok.kind == T_IDENT && p->tok.n == strlen(kw) && !memcmp(p->tok.s, kw, p->tok.n);
}

static int
accept_kw(Parser *p, const char *kw)
{
	if (!is_kw(p, kw))
		return 0;
	next(p);
	return 1;
}

/* An identifier, copied into the arena. */
static const char *
ident(Parser *p, const char *what)
{
	const char *s;

	if (p->tok.kind != T_IDENT)
		expected(p, what);
	if (p->tok.n > 255)
		fail(p, p->tok.loc, "name too long (%zu characters; the limit is 255)", p->tok.n);
	s = ir_strndup(&p->c->arena, p->tok.s, p->tok.n);
	next(p);
	return s;
}

/* ---- numbers ----------------------------------------------------------------------------- */

/* The digits of the current token as an unsigned number; fails past max. */
static uint64_t
digits(Parser *p, const char *what, uint64_t max)
{
	uint64_t v = 0;
	size_t i;

	if (p->tok.kind != T_NUM)
		expected(p, what);
	for (i = 0; i < p->tok.n; i++) {
		int d = p->tok.s[i] - '0';

		if (d < 0 || d > 9)
			fail(p, p->tok.loc, "expected %s, found '%.*s'", what,
			     p->tok.n > 32 ? 32 : (int)p->tok.n, p->tok.s);
		if (v > (max - (uint64_t)d) / 10)
			fail(p, p->tok.loc, "number out of range (the largest allowed is %llu)",
			     (unsigned long long)max);
		v = v * 10 + (uint64_t)d;
	}
	next(p);
	return v;
}

/* An integer in [lo, hi] (a '-' sign allowed when lo < 0). */
static int64_t
integer(Parser *p, const char *what, int64_t lo, int64_t hi)
{
	Loc l = p->tok.loc;
	int neg = lo < 0 && accept(p, '-');
	uint64_t mag = digits(p, what, neg ? (uint64_t)-(lo + 1) + 1 : (uint64_t)hi);
	int64_t v = neg ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;

	if (neg && mag == 0)
		v = 0;
	if (v < lo) {
		if (lo == 1)
			fail(p, l, "%s must be positive", what);
		fail(p, l, "%s must be at least %lld", what, (long long)lo);
	}
	return v;
}

/* A real number: decimal with an optional fraction and exponent, or inf, or nan. */
static double
real(Parser *p, const char *what)
{
	int neg = accept(p, '-');
	Loc l = p->tok.loc;
	const char *s = p->tok.s;
	size_t n = p->tok.n;
	char *text, *end;
	double v;

	if (is_kw(p, "inf") || is_kw(p, "nan")) {
		v = *s == 'i' ? INFINITY : NAN;
		next(p);
		return neg ? -v : v;
	}
	if (p->tok.kind != T_NUM)
		expected(p, what);
	text = ir_strndup(&p->c->arena, s, n);
	errno = 0;
	v = strtod(text, &end);  /* decimal only: no hex, no inf or nan inside */
	if (strspn(text, "0123456789.eE+-") != n || end != text + n)
		fail(p, l, "expected %s, found '%.*s'", what, n > 32 ? 32 : (int)n, s);
	if (errno == ERANGE && isinf(v))
		fail(p, l, "number out of range");
	next(p);
	return neg ? -v : v;
}

/* ---- types, names ------------------------------------------------------------------------ */

static Type
type(Parser *p)
{
	Loc l = p->tok.loc;
	const char *s = p->tok.s;
	size_t i, n = p->tok.n;
	int bits = 0, frac = 0, nb = 0, nf = 0;

	if (p->tok.kind != T_IDENT)
		expected(p, "a type (f32 or sB.F)");
	if (is_kw(p, "f32")) {
		next(p);
		return ir_f32();
	}
	for (i = 1; *s == 's' && i < n && is_digit(s[i]); i++, nb++)
		bits = bits * 10 + (s[i] - '0');
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit(s[i]); i++, nf++)
			frac = frac * 10 + (s[i] - '0');
	if (*s != 's' || !nb || !nf || i != n || nb > 2 || nf > 2)
		fail(p, l, "unknown type '%.*s'; types are f32 and sB.F (signed fixed point of B bits, "
		     "F after the binary point)", n > 32 ? 32 : (int)n, s);
	if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
		fail(p, l, "fixed-point type '%.*s' needs 8, 16, 32 or 64 bits", (int)n, s);
	if (frac >= bits)
		fail(p, l, "fixed-point type s%d.%d needs fewer than %d fraction bits", bits, frac,
		     bits);
	next(p);
	return ir_fix(bits, frac);
}

/* One of n names (its index); fails with a suggestion otherwise. */
static int
keyword(Parser *p, const char *what, const char *const *names, int n)
{
	Loc l = p->tok.loc;
	const char *s;
	int i;

	if (p->tok.kind != T_IDENT)
		expected(p, what);
	for (i = 0; i < n; i++) {
		if (is_kw(p, names[i])) {
			next(p);
			return i;
		}
	}
	s = ident(p, what);
	unknown(p, l, what, s, names, n);
}

static _Noreturn void
unknown_tensor(Parser *p, Loc l, const char *name)
{
	const char **cand = ir_alloc_array(&p->c->arena, (size_t)p->f->ntensors + 1, sizeof *cand);
	int i;

	for (i = 0; i < p->f->ntensors; i++)
		cand[i] = p->f->tensors[i].name;
	unknown(p, l, "tensor", name, cand, p->f->ntensors);
}

static int
tensor_ref(Parser *p)
{
	Loc l = p->tok.loc;
	const char *name = ident(p, "a tensor name");
	Ent *e = map_get(&p->tens, name, 0);

	if (!e->used)
		unknown_tensor(p, l, name);
	return e->val;
}

/* ---- affine expressions ------------------------------------------------------------------ */

/* A loop variable that must name an enclosing loop. */
static Ref
loop_var(Parser *p)
{
	Loc l = p->tok.loc;
	const char *name = ident(p, "a loop variable");
	Ent *e = map_get(&p->vars, name, 0);
	Ref r;

	if (e->used) {
		for (r = p->b.at; r; r = p->f->nodes[r].parent) {
			if (r == e->val)
				return r;
		}
	}
	fail(p, l, "loop variable '%s' is not in scope", name);
}

static void
aff_add(Parser *p, Loc l, int64_t *acc, int64_t x)
{
	*acc += x;  /* both at most AFF_MAX in magnitude: no overflow */
	if (*acc > AFF_MAX || *acc < -AFF_MAX)
		fail(p, l, "index expression out of range (coefficients and constants are limited "
		     "to +-%d)", AFF_MAX);
}

/* [-] term {(+|-) term}, a term being N, V, V*N or N*V */
static Affine
affine(Parser *p)
{
	Ref var[IR_MAXTERMS];
	int64_t coef[IR_MAXTERMS], c = 0, k;
	int nvar = 0, neg = accept(p, '-'), i;
	Affine a;

	for (;;) {
		Loc l = p->tok.loc;
		Ref v = 0;

		if (p->tok.kind == T_NUM) {
			k = integer(p, "an integer", 0, AFF_MAX);
			if (accept(p, '*'))
				v = loop_var(p);
		} else if (p->tok.kind == T_IDENT) {
			v = loop_var(p);
			k = accept(p, '*') ? integer(p, "an integer coefficient", 0, AFF_MAX) : 1;
		} else {
			expected(p, "an index expression");
		}
		if (neg)
			k = -k;
		if (!v) {
			aff_add(p, l, &c, k);
		} else {
			for (i = 0; i < nvar && var[i] != v; i++)
				;
			if (i == nvar) {
				if (nvar == IR_MAXTERMS)
					fail(p, l, "an index expression has at most %d variables",
					     IR_MAXTERMS);
				var[nvar] = v;
				coef[nvar++] = 0;
			}
			aff_add(p, l, &coef[i], k);
		}
		if (accept(p, '+'))
			neg = 0;
		else if (accept(p, '-'))
			neg = 1;
		else
			break;
	}
	a = ir_aff_const(c);
	for (i = 0; i < nvar; i++)
		a = ir_aff_add(a, ir_aff_scale(ir_aff_var(var[i]), coef[i]));
	return a;
}

/* [if aff (<|>=) N [&& ...]] */
static void
conds(Parser *p, Access *a)
{
	if (!accept_kw(p, "if"))
		return;
	do {
		Loc l = p->tok.loc;
		Affine e = affine(p);
		PredKind kind;

		if (accept(p, '<'))
			kind = PRED_LT;
		else if (accept(p, P_GE))
			kind = PRED_GE;
		else if (is_punct(p, P_LE) || is_punct(p, '>'))
			fail(p, p->tok.loc, "conditions compare with '<' or '>=' only");
		else
			expected(p, "'<' or '>=' in a condition");
		if (a->npred == IR_MAXPRED)
			fail(p, l, "an access has at most %d conditions", IR_MAXPRED);
		ir_access_pred(a, kind, e, integer(p, "an integer bound", -AFF_MAX, AFF_MAX));
	} while (accept(p, P_AND));
}

/* TENSOR[aff, ...] */
static Access
access(Parser *p, int preds)
{
	Affine idx[IR_MAXDIM];
	Loc l = p->tok.loc;
	int t = tensor_ref(p), n = 0;
	Access a;

	expect(p, '[', "'[' after the tensor name");
	if (!is_punct(p, ']')) {
		do {
			if (n == IR_MAXDIM)
				fail(p, p->tok.loc, "too many indices (a tensor has at most %d "
				     "dimensions)", IR_MAXDIM);
			idx[n++] = affine(p);
		} while (accept(p, ','));
	}
	expect(p, ']', "']' after index");
	if (n != p->f->tensors[t].ndim)
		fail(p, l, "tensor '%s' has %d dimension%s but the access gives %d ind%s",
		     p->f->tensors[t].name, p->f->tensors[t].ndim,
		     p->f->tensors[t].ndim == 1 ? "" : "s", n, n == 1 ? "ex" : "ices");
	a = ir_access(p->f, t, idx);
	if (preds)
		conds(p, &a);
	return a;
}

/* ---- values ------------------------------------------------------------------------------ */

static int64_t
val_label(Parser *p)
{
	int64_t v = 0;
	size_t i;

	if (p->tok.kind != T_VAL)
		expected(p, "a value (%N)");
	if (p->tok.n == 1)
		fail(p, p->tok.loc, "expected a value number after '%%'");
	for (i = 1; i < p->tok.n; i++) {
		v = v * 10 + (p->tok.s[i] - '0');
		if (v > INT32_MAX)
			fail(p, p->tok.loc, "value number out of range");
	}
	next(p);
	return v;
}

static Ref
use_val(Parser *p)
{
	Loc l = p->tok.loc;
	int64_t n = val_label(p);
	Ent *e = map_get(&p->vals, NULL, n);

	if (!e->used || !e->val)
		fail(p, l, "value %%%lld is not defined", (long long)n);
	if (e->val < 0)
		fail(p, l, "value %%%lld is not defined yet: the results of a reduce are defined "
		     "after its loop", (long long)n);
	return e->val;
}

/* Claims a label for a new value: its node is set when made (0 until then, -1 for the results of
 * a reduce until its loop ends). */
static int64_t
def_val(Parser *p)
{
	Loc l = p->tok.loc;
	int64_t n = val_label(p);
	Ent *e = map_get(&p->vals, NULL, n);

	if (e->used) {
		ir_error(p->c, l, "value %%%lld is defined twice", (long long)n);
		ir_note(p->c, e->loc, "the first definition is here");
		bail(p);
	}
	e->used = 1;
	e->val = 0;
	e->loc = l;
	return n;
}

/* Sets the node of a label (the map may have moved since def_val). */
static void
set_val(Parser *p, int64_t n, Ref r)
{
	map_get(&p->vals, NULL, n)->val = r;
}

/* ---- statements -------------------------------------------------------------------------- */

static int block(Parser *p, int depth, Loc open);

/* VAR EXTENT [par P] [vec V]: makes the loop */
static Ref
loop_head(Parser *p, LoopKind kind, int depth, Loc l)
{
	Loc vl = p->tok.loc;
	const char *var = ident(p, "a loop variable");
	Ent *e = map_get(&p->vars, var, 0);
	int32_t ext;
	int seen = 0;
	Ref r;

	if (depth >= MAXDEPTH)
		fail(p, l, "loops nested too deeply (the limit is %d)", MAXDEPTH);
	if (e->used) {
		ir_error(p->c, vl, "loop variable '%s' is defined twice", var);
		ir_note(p->c, e->loc, "the first definition is here");
		bail(p);
	}
	e->used = 1;
	e->loc = vl;
	ext = (int32_t)integer(p, "the loop extent", 1, INT32_MAX);
	p->b.loc = l;
	r = ir_b_loop(&p->b, kind, var, ext);
	e->val = r;
	while (is_kw(p, "par") || is_kw(p, "vec")) {
		int v = is_kw(p, "vec");
		Loc ol = p->tok.loc;
		int32_t x;

		next(p);
		if (seen & (1 << v))
			fail(p, ol, "duplicate '%s'", v ? "vec" : "par");
		seen |= 1 << v;
		x = (int32_t)integer(p, v ? "the vec factor" : "the par factor", 1, INT32_MAX);
		*(v ? &p->f->nodes[r].l.vec : &p->f->nodes[r].l.par) = x;
	}
	return r;
}

/* { statements }: returns 1 when it stopped at 'yield' */
static int
body(Parser *p, Ref r, int depth)
{
	Ref saved = p->b.at;
	Loc open = p->tok.loc;
	int y;

	expect(p, '{', "'{' to open the loop body");
	p->b.at = r;
	y = block(p, depth + 1, open);
	p->b.at = saved;
	return y;
}

/* %a, %b = reduce add VAR EXT [par P] [vec V] : T1, T2 { ... yield %x, %y } */
static void
reduce(Parser *p, const int64_t *res, const Loc *resloc, int nres, int depth, Loc l)
{
	Type ty[IR_MAXRES];
	Ref yield[IR_MAXRES], r;
	Loc cl = p->tok.loc;
	int n = 0, k;

	if (!is_kw(p, "add"))
		fail(p, cl, "a reduce combines with 'add'%s", p->tok.kind == T_IDENT ?
		     "; no other combiner is supported" : "");
	next(p);
	r = loop_head(p, LOOP_REDUCE, depth, l);
	expect(p, ':', "':' and the result types");
	do {
		if (n == nres)
			fail(p, p->tok.loc, "more types than results (%d)", nres);
		ty[n++] = type(p);
	} while (accept(p, ','));
	if (n < nres)
		fail(p, where(p), "%d results but %d type%s", nres, n, n == 1 ? "" : "s");
	if (!body(p, r, depth))
		fail(p, p->close, "expected 'yield' at the end of a reduce loop");
	next(p);
	for (k = 0; k < nres; k++) {
		if (k)
			expect(p, ',', "',' and another yielded value");
		yield[k] = use_val(p);
	}
	if (is_punct(p, ','))
		fail(p, p->tok.loc, "more yielded values than results (%d)", nres);
	if (!is_punct(p, '}'))
		expected(p, "'}' after 'yield' (it ends a reduce loop)");
	next(p);
	for (k = 0; k < nres; k++) {
		Ref v = ir_b_result(p->f, r, ty[k], yield[k]);

		p->f->nodes[v].loc = resloc[k];
		set_val(p, res[k], v);
	}
}

/* %n = OP TYPE operands */
static void
instr(Parser *p, int64_t label, Loc l)
{
	const char *names[NOP];
	Loc ol = p->tok.loc;
	const char *name;
	Type ty;
	Op op;
	Ref r, a[2] = {0, 0};
	int k;

	for (k = 0; k < NOP; k++)
		names[k] = k == OP_STORE || k == OP_RESULT ? NULL : ir_ops[k].name;
	name = ident(p, "an op");
	for (op = 0; op < NOP && strcmp(name, ir_ops[op].name); op++)
		;
	if (op == NOP)
		unknown(p, ol, "op", name, names, NOP);
	if (op == OP_STORE)
		fail(p, ol, "'store' has no result; write 'store TENSOR[...], %%v'");
	if (op == OP_RESULT)
		fail(p, ol, "'result' cannot be written: a reduce loop defines its results");
	ty = type(p);
	p->b.loc = l;
	switch (ir_ops[op].cls) {
	case OC_CONST:
		r = ir_b_const(&p->b, ty, real(p, "a number"));
		break;
	case OC_LOAD:
		r = ir_b_load(&p->b, access(p, 1));
		break;
	case OC_LUT:
		k = tensor_ref(p);
		expect(p, ',', "',' after the table");
		r = ir_b_lut(&p->b, k, use_val(p));
		break;
	default:
		for (k = 0; k < ir_ops[op].nargs; k++) {
			if (k)
				expect(p, ',', "',' and another operand");
			a[k] = use_val(p);
		}
		r = ir_b_op(&p->b, op, ty, a[0], a[1]);
		break;
	}
	p->f->nodes[r].i.ty = ty;  /* as written: whether it is the tensor's is ir_verify's rule */
	set_val(p, label, r);
}

/* a statement that starts with values: an instruction or a reduce */
static void
def(Parser *p, int depth)
{
	int64_t res[IR_MAXRES];
	Loc resloc[IR_MAXRES], l = p->tok.loc;
	int n = 0, k;

	do {
		if (n == IR_MAXRES)
			fail(p, p->tok.loc, "a reduce has at most %d results", IR_MAXRES);
		resloc[n] = p->tok.loc;
		res[n++] = def_val(p);
	} while (accept(p, ','));
	expect(p, '=', "'='");
	if (accept_kw(p, "reduce")) {
		for (k = 0; k < n; k++)
			set_val(p, res[k], -1);  /* known, usable after the loop */
		reduce(p, res, resloc, n, depth, l);
		return;
	}
	if (n > 1)
		fail(p, l, "only a reduce defines several values");
	instr(p, res[0], l);
}

/* Statements up to the closing '}' (consumed, returns 0), or up to the 'yield' that ends a
 * reduce (not consumed, returns 1). */
static int
block(Parser *p, int depth, Loc open)
{
	for (;;) {
		Loc l = p->tok.loc;
		Access a;

		if (p->tok.kind == T_EOF) {
			ir_error(p->c, where(p), "expected '}' at end of file");
			ir_note(p->c, open, "to match this '{'");
			bail(p);
		}
		if (accept(p, '}')) {
			p->close = l;
			return 0;
		}
		if (is_kw(p, "yield")) {
			if (p->b.at && p->f->nodes[p->b.at].l.kind == LOOP_REDUCE)
				return 1;
			fail(p, l, "'yield' outside a reduce loop: it ends the body of a reduce");
		}
		if (p->tok.kind == T_VAL) {
			def(p, depth);
		} else if (accept_kw(p, "seq")) {
			body(p, loop_head(p, LOOP_SEQ, depth, l), depth);
		} else if (accept_kw(p, "foreach")) {
			body(p, loop_head(p, LOOP_FOREACH, depth, l), depth);
		} else if (accept_kw(p, "store")) {
			Ref v;

			a = access(p, 0);
			expect(p, ',', "',' and the stored value");
			v = use_val(p);
			conds(p, &a);
			p->b.loc = l;
			ir_b_store(&p->b, a, v);
		} else if (is_kw(p, "tensor")) {
			fail(p, l, "tensor declarations must come before the instructions");
		} else {
			unexpected(p, "an instruction, a loop or '}'");
		}
	}
}

/* ---- tensors ----------------------------------------------------------------------------- */

static void
init_ref(Parser *p, int t, int slot)
{
	InitRef *r;

	if (p->nirefs == p->capirefs) {
		p->capirefs = p->capirefs ? 2 * p->capirefs : 16;
		p->irefs = realloc(p->irefs, (size_t)p->capirefs * sizeof *p->irefs);
		if (!p->irefs)
			IR_BUG("out of memory");
	}
	r = &p->irefs[p->nirefs++];
	r->tensor = t;
	r->slot = slot;
	r->loc = p->tok.loc;
	r->name = ident(p, "a tensor name");
}

/* = zero | rand(SEED, LO, HI) | concat(A, B) | quant(A) | lut(FN, LO, HI) */
static Init
init(Parser *p, int t)
{
	static const char *const kinds[] = {"zero", "rand", "concat", "quant", "lut"};
	static const char *const fns[NFN] = {"sigmoid", "tanh"};
	Init in = {0};

	switch (keyword(p, "init", kinds, 5)) {
	case 0:
		in.kind = INIT_ZERO;
		return in;
	case 1:
		in.kind = INIT_RAND;
		expect(p, '(', "'(' after 'rand'");
		in.seed = digits(p, "a seed (an integer)", UINT64_MAX);
		expect(p, ',', "',' after the seed");
		break;
	case 2:
		in.kind = INIT_CONCAT;
		expect(p, '(', "'(' after 'concat'");
		init_ref(p, t, 0);
		expect(p, ',', "',' and a second tensor");
		init_ref(p, t, 1);
		expect(p, ')', "')'");
		return in;
	case 3:
		in.kind = INIT_QUANT;
		expect(p, '(', "'(' after 'quant'");
		init_ref(p, t, 0);
		expect(p, ')', "')'");
		return in;
	default:
		in.kind = INIT_LUT;
		expect(p, '(', "'(' after 'lut'");
		in.fn = (MathFn)keyword(p, "function", fns, NFN);
		expect(p, ',', "',' after the function");
		break;
	}
	in.lo = real(p, "the low end of the range");
	expect(p, ',', "',' and the high end of the range");
	in.hi = real(p, "the high end of the range");
	expect(p, ')', "')'");
	return in;
}

/* tensor NAME : TYPE [D, ...] MEM ROLE [= INIT] */
static void
tensor(Parser *p)
{
	static const char *const mems[NMEM] = {"dram", "sram", "reg", "lut"};
	static const char *const roles[NROLE] = {"input", "output", "param", "state", "temp"};
	int32_t dim[IR_MAXDIM];
	int64_t elems = 1;
	Loc l = p->tok.loc;
	const char *name = ident(p, "a tensor name");
	Ent *e = map_get(&p->tens, name, 0);
	int n = 0, t;
	Type ty;
	MemSpace mem;
	Role role;
	Init in = {0};

	if (e->used) {
		ir_error(p->c, l, "duplicate tensor '%s'", name);
		ir_note(p->c, e->loc, "the first definition is here");
		bail(p);
	}
	expect(p, ':', "':' and the tensor's type");
	ty = type(p);
	expect(p, '[', "'[' and the tensor's dimensions");
	if (!is_punct(p, ']')) {
		do {
			Loc dl = p->tok.loc;

			if (n == IR_MAXDIM)
				fail(p, dl, "a tensor has at most %d dimensions", IR_MAXDIM);
			dim[n] = (int32_t)integer(p, "a dimension", 1, INT32_MAX);
			elems *= dim[n++];
			if (elems > IR_MAX_TENSOR_ELEMS)
				fail(p, dl, "tensor '%s' has more than %d elements", name,
				     IR_MAX_TENSOR_ELEMS);
		} while (accept(p, ','));
	}
	expect(p, ']', "']' after the dimensions");
	mem = (MemSpace)keyword(p, "memory space", mems, NMEM);
	role = (Role)keyword(p, "role", roles, NROLE);
	t = p->f->ntensors;
	if (accept(p, '='))
		in = init(p, t);
	t = ir_add_tensor(p->f, name, ty, mem, role, n, dim, in);
	p->f->tensors[t].loc = l;
	e = map_get(&p->tens, name, 0);  /* the map has not moved, but say so */
	e->used = 1;
	e->val = t;
	e->loc = l;
}

/* Resolves the tensors named by concat and quant, which may come later in the list. */
static void
resolve_inits(Parser *p)
{
	int i;

	for (i = 0; i < p->nirefs; i++) {
		InitRef *r = &p->irefs[i];
		Ent *e = map_get(&p->tens, r->name, 0);

		if (!e->used)
			unknown_tensor(p, r->loc, r->name);
		p->f->tensors[r->tensor].init.src[r->slot] = e->val;
	}
}

/* ---- the function ------------------------------------------------------------------------ */

/* A function name: letters, digits and _ . - (spec names have dashes). */
static const char *
func_name(Parser *p)
{
	const unsigned char *s = (const unsigned char *)p->tok.s;

	if (p->tok.kind != T_IDENT && p->tok.kind != T_NUM)
		expected(p, "the function's name");
	p->pos = s;
	p->line = p->tok.loc.line;
	p->col = p->tok.loc.col;
	while (p->pos < p->end && (is_alpha(*p->pos) || is_digit(*p->pos) || *p->pos == '.' ||
	                           *p->pos == '-'))
		advance(p);
	p->tok.n = (size_t)(p->pos - s);
	p->tok.end = here(p);
	if (p->tok.n > 255)
		fail(p, p->tok.loc, "name too long (%zu characters; the limit is 255)", p->tok.n);
	return ir_strndup(&p->c->arena, p->tok.s, p->tok.n);
}

static Func *
parse(Parser *p)
{
	const char *name;
	Loc l, open;

	lex(p);
	if (p->tok.kind == T_EOF)
		fail(p, p->tok.loc, "no function in the file; expected 'func NAME {'");
	if (!accept_kw(p, "func"))
		unexpected(p, "'func NAME {'");
	l = p->tok.loc;
	name = func_name(p);
	next(p);
	p->f = ir_func_new(p->c, name);
	p->f->loc = l;
	p->b.f = p->f;
	open = p->tok.loc;
	expect(p, '{', "'{' after the function's name");
	while (accept_kw(p, "tensor"))
		tensor(p);
	resolve_inits(p);
	block(p, 0, open);
	if (p->tok.kind != T_EOF)
		fail(p, p->tok.loc, "unexpected text after the end of the function");
	return p->f;
}

Func *
ir_parse(Ctx *c, const SrcFile *src)
{
	Parser *p = calloc(1, sizeof *p);
	Func *f = NULL;

	if (!p)
		IR_BUG("out of memory");
	p->c = c;
	p->src = src;
	p->pos = (const unsigned char *)src->text;
	p->end = p->pos + src->len;
	p->line = p->col = 1;
	p->prev = here(p);
	if (src->len >= 3 && !memcmp(p->pos, "\xef\xbb\xbf", 3))
		p->pos += 3;  /* a byte-order mark takes no column */
	if (!setjmp(p->fail))
		f = parse(p);
	free(p->vals.e);
	free(p->vars.e);
	free(p->tens.e);
	free(p->irefs);
	free(p);
	return f;
}

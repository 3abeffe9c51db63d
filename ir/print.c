/* The IR printer. Its output is the input of ir_parse (ir/parse.c), and printing what that
 * parses gives the same text: values are numbered in the order the text defines them. */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

typedef struct Printer {
	const Func *f;
	FILE *out;
	int *num;    /* display number of each value node, -1 before it is defined */
	int next;
} Printer;

/* Shortest %g form that reads back as the same double. */
static void
print_real(FILE *out, double x)
{
	char buf[40];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	fputs(buf, out);
}

static void
print_aff(const Printer *p, const Affine *a)
{
	int i;

	for (i = 0; i < a->nterm; i++) {
		const char *var = p->f->nodes[a->t[i].loop].l.var;
		int64_t k = a->t[i].coef;

		if (i == 0)
			fputs(k < 0 ? "-" : "", p->out);
		else
			fputs(k < 0 ? " - " : " + ", p->out);
		fputs(var, p->out);
		if (k != 1 && k != -1)
			fprintf(p->out, "*%lld", (long long)(k < 0 ? -k : k));
	}
	if (a->nterm == 0)
		fprintf(p->out, "%lld", (long long)a->c);
	else if (a->c)
		fprintf(p->out, " %c %lld", a->c < 0 ? '-' : '+', (long long)(a->c < 0 ? -a->c : a->c));
}

static void
print_access(const Printer *p, const Access *a)
{
	int i;

	fprintf(p->out, "%s[", p->f->tensors[a->tensor].name);
	for (i = 0; i < a->ndim; i++) {
		if (i)
			fputs(", ", p->out);
		print_aff(p, &a->idx[i]);
	}
	fputc(']', p->out);
}

static void
print_preds(const Printer *p, const Access *a)
{
	int i;

	for (i = 0; i < a->npred; i++) {
		fputs(i ? " && " : " if ", p->out);
		print_aff(p, &a->pred[i].e);
		fprintf(p->out, " %s %lld", a->pred[i].kind == PRED_LT ? "<" : ">=",
		        (long long)a->pred[i].bound);
	}
}

static void
print_val(const Printer *p, Ref r)
{
	if (r <= 0 || r >= p->f->nnodes || p->num[r] < 0)
		fprintf(p->out, "%%?%d", (int)r);  /* unverified IR: still printable */
	else
		fprintf(p->out, "%%%d", p->num[r]);
}

static void
define(Printer *p, Ref r)
{
	p->num[r] = p->next++;
}

static void print_block(Printer *p, const Block *b, int indent);

static void
print_loop(Printer *p, Ref r, int indent)
{
	static const char *const kind[] = {"seq", "foreach", "reduce"};
	const Loop *l = &p->f->nodes[r].l;
	char tb[IR_TYPE_STR];
	int k;

	fprintf(p->out, "%*s", indent, "");
	if (l->kind == LOOP_REDUCE) {
		for (k = 0; k < l->nres; k++) {
			define(p, l->res[k]);
			if (k)
				fputs(", ", p->out);
			print_val(p, l->res[k]);
		}
		fprintf(p->out, " = reduce %s ", ir_ops[l->comb].name);
	} else {
		fprintf(p->out, "%s ", kind[l->kind]);
	}
	fprintf(p->out, "%s %d", l->var, l->extent);
	if (l->par != 1)
		fprintf(p->out, " par %d", l->par);
	if (l->vec != 1)
		fprintf(p->out, " vec %d", l->vec);
	if (l->kind == LOOP_REDUCE) {
		fputs(" :", p->out);
		for (k = 0; k < l->nres; k++)
			fprintf(p->out, "%s %s", k ? "," : "",
			        ir_type_str(p->f->nodes[l->res[k]].i.ty, tb));
	}
	fputs(" {\n", p->out);
	print_block(p, &l->body, indent + 2);
	if (l->kind == LOOP_REDUCE) {
		fprintf(p->out, "%*syield ", indent + 2, "");
		for (k = 0; k < l->nres; k++) {
			if (k)
				fputs(", ", p->out);
			print_val(p, l->yield[k]);
		}
		fputc('\n', p->out);
	}
	fprintf(p->out, "%*s}\n", indent, "");
}

static void
print_instr(Printer *p, Ref r, int indent)
{
	const Instr *in = &p->f->nodes[r].i;
	char tb[IR_TYPE_STR];
	int k;

	fprintf(p->out, "%*s", indent, "");
	if (in->op == OP_STORE) {
		fputs("store ", p->out);
		print_access(p, &in->acc);
		fputs(", ", p->out);
		print_val(p, in->arg[0]);
		print_preds(p, &in->acc);
		fputc('\n', p->out);
		return;
	}
	define(p, r);
	print_val(p, r);
	fprintf(p->out, " = %s %s ", ir_ops[in->op].name, ir_type_str(in->ty, tb));
	switch (ir_ops[in->op].cls) {
	case OC_CONST:
		print_real(p->out, in->imm);
		break;
	case OC_LOAD:
		print_access(p, &in->acc);
		print_preds(p, &in->acc);
		break;
	case OC_LUT:
		fprintf(p->out, "%s, ", p->f->tensors[in->acc.tensor].name);
		print_val(p, in->arg[0]);
		break;
	default:
		for (k = 0; k < ir_ops[in->op].nargs; k++) {
			if (k)
				fputs(", ", p->out);
			print_val(p, in->arg[k]);
		}
		break;
	}
	fputc('\n', p->out);
}

static void
print_block(Printer *p, const Block *b, int indent)
{
	int i;

	for (i = 0; i < b->len; i++) {
		Ref r = b->n[i];

		if (p->f->nodes[r].kind == N_LOOP)
			print_loop(p, r, indent);
		else
			print_instr(p, r, indent);
	}
}

static void
print_tensor(const Printer *p, const Tensor *t)
{
	char tb[IR_TYPE_STR];
	int i;

	fprintf(p->out, "  tensor %s : %s [", t->name, ir_type_str(t->ty, tb));
	for (i = 0; i < t->ndim; i++)
		fprintf(p->out, "%s%d", i ? ", " : "", t->dim[i]);
	fprintf(p->out, "] %s %s", ir_mem_name(t->mem), ir_role_name(t->role));
	switch (t->init.kind) {
	case INIT_NONE:
		break;
	case INIT_ZERO:
		fputs(" = zero", p->out);
		break;
	case INIT_RAND:
		fprintf(p->out, " = rand(%llu, ", (unsigned long long)t->init.seed);
		print_real(p->out, t->init.lo);
		fputs(", ", p->out);
		print_real(p->out, t->init.hi);
		fputc(')', p->out);
		break;
	case INIT_CONCAT:
		fprintf(p->out, " = concat(%s, %s)", p->f->tensors[t->init.src[0]].name,
		        p->f->tensors[t->init.src[1]].name);
		break;
	case INIT_QUANT:
		fprintf(p->out, " = quant(%s)", p->f->tensors[t->init.src[0]].name);
		break;
	case INIT_LUT:
		fprintf(p->out, " = lut(%s, ", ir_fn_name(t->init.fn));
		print_real(p->out, t->init.lo);
		fputs(", ", p->out);
		print_real(p->out, t->init.hi);
		fputc(')', p->out);
		break;
	}
	fputc('\n', p->out);
}

void
ir_print(const Func *f, FILE *out)
{
	Printer p = {f, out, NULL, 0};
	int i;

	p.num = malloc((size_t)f->nnodes * sizeof *p.num);
	if (!p.num)
		IR_BUG("out of memory");
	for (i = 0; i < f->nnodes; i++)
		p.num[i] = -1;
	fprintf(out, "func %s {\n", f->name);
	for (i = 0; i < f->ntensors; i++)
		print_tensor(&p, &f->tensors[i]);
	if (f->ntensors && f->body.len)
		fputc('\n', out);
	print_block(&p, &f->body, 2);
	fputs("}\n", out);
	free(p.num);
}

void
ir_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

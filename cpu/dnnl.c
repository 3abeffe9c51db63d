/* oneDNN's RNN inference primitive as a CPU peer (dnnl.h), through its C API (oneDNN 2.x: an
 * op descriptor, then a primitive descriptor). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include "dnnl.h"

/* Data quantization of int8: u8 = scale * v + shift, v in [-1, 1] (x and h) to [1, 255]. */
#define DATA_SCALE 127.0f
#define DATA_SHIFT 128.0f

enum { MAX_ARGS = 8 };

struct CpuDnnl {
	int T, B, H, int8, lstm;
	dnnl_engine_t eng;
	dnnl_stream_t st;
	dnnl_primitive_attr_t attr;
	dnnl_primitive_t rnn, quant_x;   /* quant_x: int8's reorder of x to u8, run per inference */
	dnnl_memory_t x_user, x;         /* x_user: f32 tnc; x: what the primitive reads */
	dnnl_memory_t h0, c0, wl, wi, bias, out;
	dnnl_exec_arg_t args[MAX_ARGS];
	int nargs;
};

static char version[32];

const char *
cpu_dnnl_version(void)
{
	const dnnl_version_t *v = dnnl_version();

	snprintf(version, sizeof version, "%d.%d.%d", v->major, v->minor, v->patch);
	return version;
}

const char *
cpu_dnnl_runtime(void)
{
	switch (dnnl_version()->cpu_runtime) {
	case DNNL_RUNTIME_OMP: return "OpenMP";
	case DNNL_RUNTIME_TBB: return "TBB";
	case DNNL_RUNTIME_SEQ: return "sequential";
	case DNNL_RUNTIME_THREADPOOL: return "threadpool";
	default: return "other";
	}
}

void
cpu_dnnl_set_threads(int n)
{
	omp_set_num_threads(n);
}

/* oneDNN's gate g as rnnc's (blasref.h): LSTM i f c~ o = rnnc i f j o; GRU u r o = rnnc z r n. */
static int
rnnc_gate(CellKind cell, int g)
{
	static const int lstm[4] = {0, 2, 1, 3}, gru[3] = {1, 0, 2};

	return cell == CELL_LSTM ? lstm[g] : cell == CELL_GRU ? gru[g] : 0;
}

static int
gates(CellKind cell)
{
	return cell == CELL_LSTM ? 4 : cell == CELL_GRU ? 3 : 1;
}

static const char *
cell_name(CellKind cell)
{
	return cell == CELL_LSTM ? "LSTM" : cell == CELL_GRU ? "LBR GRU" : "vanilla RNN";
}

/* A memory of md, allocated by oneDNN, filled from src (when not NULL). */
static dnnl_status_t
memory(CpuDnnl *d, const dnnl_memory_desc_t *md, const void *src, dnnl_memory_t *m)
{
	dnnl_status_t s = dnnl_memory_create(m, md, d->eng, DNNL_MEMORY_ALLOCATE);
	void *p;

	if (s != dnnl_success || !src)
		return s;
	if ((s = dnnl_memory_get_data_handle(*m, &p)) == dnnl_success)
		memcpy(p, src, dnnl_memory_desc_get_size(md));
	return s;
}

static dnnl_status_t
reorder_now(CpuDnnl *d, dnnl_memory_t from, dnnl_memory_t to)
{
	const dnnl_memory_desc_t *a, *b;
	dnnl_primitive_desc_t pd;
	dnnl_primitive_t r;
	dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
	dnnl_status_t s;

	dnnl_memory_get_memory_desc(from, &a);
	dnnl_memory_get_memory_desc(to, &b);
	if ((s = dnnl_reorder_primitive_desc_create(&pd, a, d->eng, b, d->eng, d->attr)) != dnnl_success)
		return s;
	s = dnnl_primitive_create(&r, pd);
	dnnl_primitive_desc_destroy(pd);
	if (s != dnnl_success)
		return s;
	s = dnnl_primitive_execute(r, d->st, 2, args);
	if (s == dnnl_success)
		s = dnnl_stream_wait(d->st);
	dnnl_primitive_destroy(r);
	return s;
}

/* The user's weights in oneDNN's ldigo order ([D][G][H]), from rnnc's [G][H][D]. */
static float *
ldigo(CellKind cell, const float *w, int G, int H, int D)
{
	float *o = malloc((size_t)D * (size_t)G * (size_t)H * sizeof *o);
	int i, g, k;

	if (!o)
		return NULL;
	for (i = 0; i < D; i++)
		for (g = 0; g < G; g++)
			for (k = 0; k < H; k++)
				o[((size_t)i * (size_t)G + (size_t)g) * (size_t)H + (size_t)k] =
					w[((size_t)rnnc_gate(cell, g) * (size_t)H + (size_t)k) * (size_t)D + (size_t)i];
	return o;
}

/* The bias, [Gb][H]: each gate's bx + bh; LBR GRU keeps the candidate's two apart (o, u'). */
static float *
bias(const BlasCell *p, int G, int Gb)
{
	float *b = malloc((size_t)Gb * (size_t)p->H * sizeof *b);
	int g, k, H = p->H;

	if (!b)
		return NULL;
	for (g = 0; g < G; g++) {
		int r = rnnc_gate(p->cell, g);
		int split = p->cell == CELL_GRU && r == 2;

		for (k = 0; k < H; k++)
			b[g * H + k] = p->bx[r * H + k] + (split ? 0.0f : p->bh[r * H + k]);
	}
	if (Gb > G)
		for (k = 0; k < H; k++)
			b[G * H + k] = p->bh[2 * H + k];
	return b;
}

/* int8's weight scales, per gate and output (oneDNN's mask over g and o of ldigo): 127 over
 * the row's largest magnitude in W and U. */
static float *
weight_scales(const BlasCell *p, int G)
{
	float *s = malloc((size_t)G * (size_t)p->H * sizeof *s);
	int g, k, i;

	if (!s)
		return NULL;
	for (g = 0; g < G; g++) {
		int r = rnnc_gate(p->cell, g);

		for (k = 0; k < p->H; k++) {
			const float *wx = p->wx + ((size_t)r * (size_t)p->H + (size_t)k) * (size_t)p->D;
			const float *uh = p->uh + ((size_t)r * (size_t)p->H + (size_t)k) * (size_t)p->H;
			float m = 0;

			for (i = 0; i < p->D; i++)
				m = fmaxf(m, fabsf(wx[i]));
			for (i = 0; i < p->H; i++)
				m = fmaxf(m, fabsf(uh[i]));
			s[g * p->H + k] = m > 0 ? 127.0f / m : 1.0f;
		}
	}
	return s;
}

static void
arg(CpuDnnl *d, int name, dnnl_memory_t m)
{
	d->args[d->nargs].arg = name;
	d->args[d->nargs].memory = m;
	d->nargs++;
}

CpuDnnl *
cpu_dnnl_new(const BlasCell *p, int int8, char *why, size_t n)
{
	int G = gates(p->cell), Gb = p->cell == CELL_GRU ? 4 : G, T = p->T, B = p->B, D = p->D;
	int H = p->H;
	dnnl_dims_t dx = {T, B, D}, dh = {1, 1, B, H}, dwl = {1, 1, D, G, H}, dwi = {1, 1, H, G, H};
	dnnl_dims_t db = {1, 1, Gb, H}, dy = {T, B, H};
	dnnl_data_type_t data = int8 ? dnnl_u8 : dnnl_f32, wt = int8 ? dnnl_s8 : dnnl_f32;
	dnnl_memory_desc_t mx, mh, mc, mwl, mwi, mb, my, ux, uh, uwl, uwi;
	dnnl_rnn_desc_t rd;
	dnnl_primitive_desc_t pd = NULL;
	const dnnl_memory_desc_t *q;
	dnnl_memory_t tmp;
	dnnl_status_t s;
	CpuDnnl *d;
	float *w = NULL, *sc = NULL;
	const char *stage = "create the engine";

	if (T < 1 || B < 1 || D < 1 || H < 1 || (p->cell == CELL_LSTM && !p->c)) {
		snprintf(why, n, "invalid sizes");
		return NULL;
	}
	if (int8 && p->cell == CELL_RNN) {
		/* oneDNN's int8 covers LSTM and GRU only (its RNN primitive's data-type table) */
		snprintf(why, n, "int8 %s not supported by oneDNN %s", cell_name(p->cell),
		         cpu_dnnl_version());
		return NULL;
	}
	if (!(d = calloc(1, sizeof *d))) {
		snprintf(why, n, "out of memory");
		return NULL;
	}
	d->T = T;
	d->B = B;
	d->H = H;
	d->int8 = int8;
	d->lstm = p->cell == CELL_LSTM;
#define TRY(what, call)                                                                           \
	do {                                                                                          \
		stage = (what);                                                                           \
		if ((s = (call)) != dnnl_success)                                                         \
			goto fail;                                                                            \
	} while (0)
	TRY("create the engine", dnnl_engine_create(&d->eng, dnnl_cpu, 0));
	TRY("create a stream", dnnl_stream_create(&d->st, d->eng, dnnl_stream_default_flags));
	TRY("create attributes", dnnl_primitive_attr_create(&d->attr));
	dnnl_memory_desc_init_by_tag(&mx, 3, dx, data, dnnl_tnc);
	dnnl_memory_desc_init_by_tag(&mh, 4, dh, data, dnnl_ldnc);
	dnnl_memory_desc_init_by_tag(&mc, 4, dh, dnnl_f32, dnnl_ldnc);
	dnnl_memory_desc_init_by_tag(&mwl, 5, dwl, wt, dnnl_format_tag_any);
	dnnl_memory_desc_init_by_tag(&mwi, 5, dwi, wt, dnnl_format_tag_any);
	dnnl_memory_desc_init_by_tag(&mb, 4, db, dnnl_f32, dnnl_ldgo);
	dnnl_memory_desc_init_by_tag(&my, 3, dy, dnnl_f32, dnnl_tnc);
	dnnl_memory_desc_init_by_tag(&ux, 3, dx, dnnl_f32, dnnl_tnc);
	dnnl_memory_desc_init_by_tag(&uh, 4, dh, dnnl_f32, dnnl_ldnc);
	dnnl_memory_desc_init_by_tag(&uwl, 5, dwl, dnnl_f32, dnnl_ldigo);
	dnnl_memory_desc_init_by_tag(&uwi, 5, dwi, dnnl_f32, dnnl_ldigo);
	if (int8) {
		if (!(sc = weight_scales(p, G)))
			goto oom;
		TRY("set the data quantization",
		    dnnl_primitive_attr_set_rnn_data_qparams(d->attr, DATA_SCALE, DATA_SHIFT));
		TRY("set the weight scales", dnnl_primitive_attr_set_rnn_weights_qparams(
		    d->attr, (dnnl_dim_t)G * H, (1 << 3) | (1 << 4), sc));
	}
	stage = "describe the cell";
	switch (p->cell) {
	case CELL_LSTM:
		s = dnnl_lstm_forward_desc_init(&rd, dnnl_forward_inference,
		                                dnnl_unidirectional_left2right, &mx, &mh, &mc, &mwl, &mwi,
		                                &mb, &my, NULL, NULL, 0);
		break;
	case CELL_GRU:
		s = dnnl_lbr_gru_forward_desc_init(&rd, dnnl_forward_inference,
		                                   dnnl_unidirectional_left2right, &mx, &mh, &mwl, &mwi,
		                                   &mb, &my, NULL, 0);
		break;
	default:
		s = dnnl_vanilla_rnn_forward_desc_init(&rd, dnnl_forward_inference, dnnl_eltwise_tanh,
		                                       dnnl_unidirectional_left2right, &mx, &mh, &mwl,
		                                       &mwi, &mb, &my, NULL, 0, 0.0f, 0.0f);
		break;
	}
	if (s == dnnl_success)
		s = dnnl_primitive_desc_create(&pd, &rd, d->attr, d->eng, NULL);
	if (s == dnnl_unimplemented) {
		/* 2.6 refuses int8 LBR GRU when describing it: its int8 GRU is the other form, the
		 * reset applied before the recurrent product */
		snprintf(why, n, "%s %s not supported by oneDNN %s%s", int8 ? "int8" : "fp32",
		         cell_name(p->cell), cpu_dnnl_version(),
		         int8 && p->cell == CELL_GRU ? " (only its reset-before GRU)" : " on this CPU");
		cpu_dnnl_free(d);
		free(sc);
		return NULL;
	}
	if (s != dnnl_success)
		goto fail;
	TRY("create the primitive", dnnl_primitive_create(&d->rnn, pd));

	/* the weights, reordered (and quantized) into the layout the primitive chose */
	if (!(w = ldigo(p->cell, p->wx, G, H, D)))
		goto oom;
	q = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, DNNL_ARG_WEIGHTS_LAYER);
	TRY("allocate W", memory(d, &uwl, w, &tmp));
	TRY("allocate W", memory(d, q, NULL, &d->wl));
	s = reorder_now(d, tmp, d->wl);
	dnnl_memory_destroy(tmp);
	if (s != dnnl_success)
		goto fail;
	free(w);
	if (!(w = ldigo(p->cell, p->uh, G, H, H)))
		goto oom;
	q = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, DNNL_ARG_WEIGHTS_ITER);
	TRY("allocate U", memory(d, &uwi, w, &tmp));
	TRY("allocate U", memory(d, q, NULL, &d->wi));
	s = reorder_now(d, tmp, d->wi);
	dnnl_memory_destroy(tmp);
	if (s != dnnl_success)
		goto fail;
	free(w);
	if (!(w = bias(p, G, Gb)))
		goto oom;
	TRY("allocate the bias", memory(d, &mb, w, &d->bias));
	free(w);
	w = NULL;

	/* the inputs: x (quantized per inference in int8), h[0], c */
	TRY("allocate x", memory(d, &ux, p->x, &d->x_user));
	if (int8) {
		dnnl_primitive_desc_t rp;

		TRY("allocate x", memory(d, &mx, NULL, &d->x));
		TRY("quantize x", dnnl_reorder_primitive_desc_create(&rp, &ux, d->eng, &mx, d->eng,
		                                                      d->attr));
		s = dnnl_primitive_create(&d->quant_x, rp);
		dnnl_primitive_desc_destroy(rp);
		if (s != dnnl_success)
			goto fail;
		TRY("allocate h", memory(d, &uh, p->h, &tmp));
		TRY("allocate h", memory(d, &mh, NULL, &d->h0));
		s = reorder_now(d, tmp, d->h0);
		dnnl_memory_destroy(tmp);
		if (s != dnnl_success)
			goto fail;
	} else {
		d->x = d->x_user;
		d->x_user = NULL;
		TRY("allocate h", memory(d, &mh, p->h, &d->h0));
	}
	if (d->lstm)
		TRY("allocate c", memory(d, &mc, p->c, &d->c0));
	TRY("allocate the output", memory(d, &my, NULL, &d->out));
	arg(d, DNNL_ARG_SRC_LAYER, d->x);
	arg(d, DNNL_ARG_SRC_ITER, d->h0);
	if (d->lstm)
		arg(d, DNNL_ARG_SRC_ITER_C, d->c0);
	arg(d, DNNL_ARG_WEIGHTS_LAYER, d->wl);
	arg(d, DNNL_ARG_WEIGHTS_ITER, d->wi);
	arg(d, DNNL_ARG_BIAS, d->bias);
	arg(d, DNNL_ARG_DST_LAYER, d->out);
#undef TRY
	dnnl_primitive_desc_destroy(pd);
	free(sc);
	return d;
oom:
	snprintf(why, n, "out of memory");
	goto out;
fail:
	snprintf(why, n, "oneDNN %s: cannot %s (status %d)", cpu_dnnl_version(), stage, (int)s);
out:
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	free(w);
	free(sc);
	cpu_dnnl_free(d);
	return NULL;
}

int
cpu_dnnl_run(CpuDnnl *d)
{
	if (d->quant_x) {
		dnnl_exec_arg_t q[2] = {{DNNL_ARG_FROM, d->x_user}, {DNNL_ARG_TO, d->x}};

		if (dnnl_primitive_execute(d->quant_x, d->st, 2, q) != dnnl_success)
			return -1;
	}
	if (dnnl_primitive_execute(d->rnn, d->st, d->nargs, d->args) != dnnl_success)
		return -1;
	return dnnl_stream_wait(d->st) == dnnl_success ? 0 : -1;
}

void
cpu_dnnl_output(const CpuDnnl *d, float *h)
{
	void *p;

	if (dnnl_memory_get_data_handle(d->out, &p) == dnnl_success)
		memcpy(h, p, (size_t)d->T * (size_t)d->B * (size_t)d->H * sizeof *h);
}

void
cpu_dnnl_free(CpuDnnl *d)
{
	size_t i;

	if (!d)
		return;
	{
		dnnl_memory_t m[] = {d->x_user, d->x, d->h0, d->c0, d->wl, d->wi, d->bias, d->out};

		for (i = 0; i < sizeof m / sizeof m[0]; i++)
			if (m[i])
				dnnl_memory_destroy(m[i]);
	}
	if (d->rnn)
		dnnl_primitive_destroy(d->rnn);
	if (d->quant_x)
		dnnl_primitive_destroy(d->quant_x);
	if (d->attr)
		dnnl_primitive_attr_destroy(d->attr);
	if (d->st)
		dnnl_stream_destroy(d->st);
	if (d->eng)
		dnnl_engine_destroy(d->eng);
	free(d);
}

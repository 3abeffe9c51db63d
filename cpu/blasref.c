/* The OpenBLAS reference of a cell sequence (blasref.h). */
#include <math.h>
#include <stdlib.h>

#include <cblas.h>

#include "blasref.h"

static float
sigm(float v)
{
	return 1.0f / (1.0f + expf(-v));
}

int
cpu_blas_run(const BlasCell *p)
{
	int G = ir_cell_gates(p->cell), T = p->T, B = p->B, D = p->D, H = p->H;
	int GH = G * H, t, b, i;
	float *ax, *ah;

	if (T < 0 || B < 1 || D < 1 || H < 1 || (p->cell == CELL_LSTM && !p->c))
		return -1;
	ax = malloc((size_t)B * (size_t)GH * sizeof *ax);   /* [B][G*H]: W x_t */
	ah = malloc((size_t)B * (size_t)GH * sizeof *ah);   /* [B][G*H]: U h_{t-1} */
	if (!ax || !ah) {
		free(ax);
		free(ah);
		return -1;
	}
	for (t = 0; t < T; t++) {
		const float *xt = p->x + (size_t)t * (size_t)B * (size_t)D;
		const float *hp = p->h + (size_t)t * (size_t)B * (size_t)H;
		float *hn = p->h + (size_t)(t + 1) * (size_t)B * (size_t)H;

		if (B == 1) {
			cblas_sgemv(CblasRowMajor, CblasNoTrans, GH, D, 1.0f, p->wx, D, xt, 1, 0.0f, ax, 1);
			cblas_sgemv(CblasRowMajor, CblasNoTrans, GH, H, 1.0f, p->uh, H, hp, 1, 0.0f, ah, 1);
		} else {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, GH, D, 1.0f, xt, D, p->wx, D,
			            0.0f, ax, GH);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, GH, H, 1.0f, hp, H, p->uh, H,
			            0.0f, ah, GH);
		}
		for (b = 0; b < B; b++) {
			const float *gx = ax + (size_t)b * (size_t)GH, *gh = ah + (size_t)b * (size_t)GH;
			const float *hprev = hp + (size_t)b * (size_t)H;
			float *hout = hn + (size_t)b * (size_t)H;

			for (i = 0; i < H; i++) {
				switch (p->cell) {
				case CELL_LSTM: {
					float *c = p->c + (size_t)b * (size_t)H;
					float gi = sigm(gx[i] + p->bx[i] + gh[i] + p->bh[i]);
					float gj = tanhf(gx[H + i] + p->bx[H + i] + gh[H + i] + p->bh[H + i]);
					float gf = sigm(gx[2 * H + i] + p->bx[2 * H + i] + gh[2 * H + i] +
					                p->bh[2 * H + i]);
					float go = sigm(gx[3 * H + i] + p->bx[3 * H + i] + gh[3 * H + i] +
					                p->bh[3 * H + i]);

					c[i] = gi * gj + gf * c[i];
					hout[i] = go * tanhf(c[i]);
					break;
				}
				case CELL_GRU: {
					float r = sigm(gx[i] + p->bx[i] + gh[i] + p->bh[i]);
					float z = sigm(gx[H + i] + p->bx[H + i] + gh[H + i] + p->bh[H + i]);
					float n = tanhf(gx[2 * H + i] + p->bx[2 * H + i] +
					                r * (gh[2 * H + i] + p->bh[2 * H + i]));

					hout[i] = (1.0f - z) * n + z * hprev[i];
					break;
				}
				default:
					hout[i] = tanhf(gx[i] + p->bx[i] + gh[i] + p->bh[i]);
					break;
				}
			}
		}
	}
	free(ax);
	free(ah);
	return 0;
}

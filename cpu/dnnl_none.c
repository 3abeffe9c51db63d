/* The CPU peer of dnnl.h when oneDNN is not built in: every call says so. */
#include <stdio.h>

#include "dnnl.h"

const char *
cpu_dnnl_version(void)
{
	return NULL;
}

const char *
cpu_dnnl_runtime(void)
{
	return NULL;
}

CpuDnnl *
cpu_dnnl_new(const BlasCell *p, int int8, char *why, size_t n)
{
	(void)p;
	(void)int8;
	snprintf(why, n, "oneDNN not built in");
	return NULL;
}

int
cpu_dnnl_run(CpuDnnl *d)
{
	(void)d;
	return -1;
}

void
cpu_dnnl_output(const CpuDnnl *d, float *h)
{
	(void)d;
	(void)h;
}

void
cpu_dnnl_free(CpuDnnl *d)
{
	(void)d;
}

void
cpu_dnnl_set_threads(int n)
{
	(void)n;
}

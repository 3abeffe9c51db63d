/* The published figures of the DeepBench problems (deepbench/published.csv, compiled in): the
 * latencies and powers other platforms report at batch 1, each with its source. */
#ifndef RNNC_DB_PUBLISHED_H
#define RNNC_DB_PUBLISHED_H

#include <stdio.h>

#include "../ir/ctx.h"
#include "../ir/spec.h"

typedef struct DbFigure {
	const char *problem;   /* "lstm-1024-t25"; "" for a platform's own figure */
	const char *platform;  /* "v100", "bw", "plasticine-paper", "titanxp", "xeon" */
	const char *metric;    /* "latency", "power"; a platform's: "die_area", "tdp", ... */
	double value;
	const char *unit;      /* "ms", "W" */
	const char *source;
} DbFigure;

/* The figures, in the file's order (in c's arena); -1 with an error when the file is damaged. */
int db_published(Ctx *c, const DbFigure **out, int *n);
/* The platforms' figures (deepbench/platforms.csv): process, die area, TDP, ... */
int db_platforms(Ctx *c, const DbFigure **out, int *n);
/* The figure of (problem, platform, metric) among fig[0..n), or NULL: it is not public. */
const DbFigure *db_figure(const DbFigure *fig, int n, const char *problem, const char *platform,
                          const char *metric);
/* The DeepBench problem a spec is (same cell, sizes, steps and batch, D = H), as its name, or
 * NULL. */
const char *db_problem_of(Ctx *c, const CellSpec *s);
/* What a platform is, for a reader ("NVIDIA Tesla V100 SXM2"). */
const char *db_platform_name(const char *platform);
/* The summary's lines comparing rnnc's latency (us) with the figures of the problem, and the
 * same as JSON (a "published" object); nothing when s is not a DeepBench problem. */
void db_compare_print(Ctx *c, const CellSpec *s, double latency_us, FILE *out);
void db_compare_json(Ctx *c, const CellSpec *s, double latency_us, FILE *out);

#endif

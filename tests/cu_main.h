#ifndef RNNC_TESTS_CU_MAIN_H
#define RNNC_TESTS_CU_MAIN_H

#include <CUnit/CUnit.h>

/* Each test program defines its suites, ended by CU_SUITE_INFO_NULL. */
extern CU_SuiteInfo test_suites[];

/* Relative comparison for floating-point results. */
#define CU_ASSERT_REL(a, b, tol)                                                       \
	CU_ASSERT(fabs((double)(a) - (double)(b)) <=                                   \
	          (tol) * fmax(1.0, fmax(fabs((double)(a)), fabs((double)(b)))))

#endif

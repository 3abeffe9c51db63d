/* The CUnit runner shared by the unit-test programs: `test_x` runs every suite, `test_x NAME`
 * one suite. The exit status comes from the failure count, which CUnit's run functions do not
 * return (they report framework errors only). */
#include <stdio.h>

#include <CUnit/Basic.h>

#include "cu_main.h"

int
main(int argc, char **argv)
{
	unsigned run, failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(test_suites) != CUE_SUCCESS) {
		fprintf(stderr, "cannot register suites: %s\n", CU_get_error_msg());
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		CU_pSuite s = CU_get_suite(argv[1]);

		if (!s) {
			fprintf(stderr, "no suite '%s'\n", argv[1]);
			CU_cleanup_registry();
			return 2;
		}
		CU_basic_run_suite(s);
	} else {
		CU_basic_run_tests();
	}
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();  /* before cleanup, which resets it */
	printf("\n%u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

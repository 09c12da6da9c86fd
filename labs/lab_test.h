/*
 * lab_test.h: the small test harness of the write-code labs' test
 * programs (a lab's "tests FILE.c"). Plain C and no library, because the
 * same program also runs under ThreadSanitizer, where Criterion cannot.
 *
 * A test is a void function that checks with LAB_EXPECT(cond, "expected
 * ..., got ...", ...); a table of { group, name, function } lists them;
 * main returns lab_test_main(argc, argv, table, count), which runs the
 * group named by argv[1] and prints "ok GROUP/NAME" or "FAIL GROUP/NAME:
 * expected ..., got ..." for each test. Exit status: 0 when all passed,
 * 1 when one failed, 2 for an unknown group.
 */
#ifndef MCSCOPE_LABS_LAB_TEST_H
#define MCSCOPE_LABS_LAB_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct lab_test {
	const char *group;
	const char *name;
	void (*run)(void);
};

/* Why the running test failed; "" while it has not. */
static char lab_test_why[1024];

/* Fails the running test with a message (expected ..., got ...) and leaves it. */
#define LAB_EXPECT(cond, ...)                                                          \
	do {                                                                           \
		if (!(cond)) {                                                         \
			snprintf(lab_test_why, sizeof(lab_test_why), __VA_ARGS__);    \
			return;                                                        \
		}                                                                      \
	} while (0)

/* Runs the tests of the group argv[1]; returns the exit status. */
static inline int lab_test_main(int argc, char **argv, const struct lab_test *tests, int count)
{
	int ran = 0, failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s GROUP\n", argv[0]);
		return 2;
	}
	for (int i = 0; i < count; i++) {
		if (strcmp(tests[i].group, argv[1]) != 0)
			continue;
		lab_test_why[0] = '\0';
		tests[i].run();
		ran++;
		if (lab_test_why[0] != '\0') {
			printf("FAIL %s/%s: %s\n", tests[i].group, tests[i].name, lab_test_why);
			failed++;
		} else {
			printf("ok %s/%s\n", tests[i].group, tests[i].name);
		}
		fflush(stdout);
	}
	if (ran == 0) {
		fprintf(stderr, "%s: no tests in group '%s'\n", argv[0], argv[1]);
		return 2;
	}
	printf("%d of %d passed\n", ran - failed, ran);
	return failed > 0 ? 1 : 0;
}

#endif

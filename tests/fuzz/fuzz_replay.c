/*
 * fuzz_replay.c: libFuzzer target for the replay reader (replay_open) and
 * what the replay viewer does with what it read.
 *
 * The input is a trace file. replay_open reads it from a file descriptor,
 * as from any file; a trace it accepts is then played as a viewer plays
 * it: to the end, back step by step, to a time, and at a speed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "replay.h"

/* The most steps back a run takes, so an input's cost stays bounded. */
#define FUZZ_STEPS_BACK 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the input to an anonymous file; returns its descriptor. */
static int input_file(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_replay", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		abort();
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return fd;
}

/* Opens the input as a trace and moves through it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = input_file(data, size);
	char path[64];
	struct replay *r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (replay_open(path, &r) != REPLAY_OK) {
		close(fd);
		return 0;
	}
	close(fd);
	if (!replay_seek(r, r->nevents))
		abort();
	for (int i = 0; i < FUZZ_STEPS_BACK && replay_step_back(r); i++)
		;
	if (!replay_seek_time(r, replay_length(r) / 2))
		abort();
	while (replay_step(r))
		;
	replay_seek(r, r->start);
	replay_set_speed(r, REPLAY_SPEED_MAX);
	replay_play(r, true);
	replay_tick(r, 1);
	replay_tick(r, 1 + REPLAY_GAP_MAX_NS);
	replay_close(r);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/state.c: the state file is locked by one kpptpd at a time, and
 * its records name a call by ID, peer address and peer call ID, so that a
 * sweep deletes only a call that is still the one recorded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "unit.h"

static char dir[] = "/tmp/kpptpd-state-XXXXXX";

static const char *path_in(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

TEST(one_kpptpd_per_state_file)
{
	char err[512] = "", path[256];
	int a, b, c;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s", path_in("calls"));
	a = state_lock(path, err, sizeof(err));
	CHECK(a >= 0);
	CHECK_STR(err, "");
	/* a second open file description, as a second kpptpd has */
	b = state_lock(path, err, sizeof(err));
	CHECK(b == -1);
	CHECK_HAS(err, "is locked: another kpptpd is running with it; give each kpptpd its own state-file");
	CHECK_HAS(err, path);
	close(a);
	/* free again once the first one is gone */
	c = state_lock(path, err, sizeof(err));
	CHECK(c >= 0);
	close(c);
	unlink(path);
}

TEST(state_file_not_through_a_symlink)
{
	char err[512] = "", link[256];

	snprintf(link, sizeof(link), "%s", path_in("link"));
	CHECK(symlink("/tmp/kpptpd-state-victim", link) == 0);
	CHECK(state_lock(link, err, sizeof(err)) == -1);
	CHECK_HAS(err, "Too many levels of symbolic links");
	CHECK(access("/tmp/kpptpd-state-victim", F_OK) == -1);
	unlink(link);
}

TEST(records_round_trip)
{
	struct state_rec r = { 4711, 9, 0 }, back;
	char buf[64];

	r.peer_addr = inet_addr("10.0.0.1");
	CHECK(state_format(&r, buf, sizeof(buf)) == 16);
	CHECK_STR(buf, "4711 10.0.0.1 9\n");
	CHECK(state_parse(buf, &back) == 0);
	CHECK(back.id == 4711 && back.peer_id == 9 &&
	      back.peer_addr == inet_addr("10.0.0.1"));
	/* an ID alone (older kpptpd) cannot be checked: not a record */
	CHECK(state_parse("4711", &back) == -1);
	CHECK(state_parse("0 10.0.0.1 9", &back) == -1);
	CHECK(state_parse("70000 10.0.0.1 9", &back) == -1);
	CHECK(state_parse("5 10.0.0 9", &back) == -1);
	CHECK(state_parse("5 10.0.0.1 9 x", &back) == -1);
	CHECK(state_parse("5 10.0.0.1 0", &back) == 0 && back.peer_id == 0);
}

TEST(sweep_deletes_only_the_recorded_call)
{
	struct state_rec r = { 100, 7, 0 };
	struct kpptp_call_info k;

	r.peer_addr = inet_addr("10.0.0.1");
	memset(&k, 0, sizeof(k));
	k.cfg.id = 100;
	k.cfg.peer_addr = inet_addr("10.0.0.1");
	k.cfg.peer_id = 7;
	CHECK(state_matches(&r, &k));
	/* same ID, another peer: another kpptpd's call, or kpptpctl's */
	k.cfg.peer_addr = inet_addr("10.0.0.9");
	CHECK(!state_matches(&r, &k));
	k.cfg.peer_addr = inet_addr("10.0.0.1");
	k.cfg.peer_id = 8;
	CHECK(!state_matches(&r, &k));
}

TEST(put_writes_its_slot_only)
{
	struct state_rec big = { 65535, 65535, 0 }, r = { 7, 3, 0 }, back;
	char err[512], buf[4 * STATE_REC_LEN + 1], path[256], *map;
	ssize_t n;
	int fd, e;

	/* the directory the first test made */
	CHECK(mkdir(dir, 0700) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s", path_in("calls3"));
	fd = state_lock(path, err, sizeof(err));
	CHECK(fd >= 0);
	big.peer_addr = inet_addr("255.255.255.255");
	r.peer_addr = inet_addr("10.0.0.1");
	CHECK(state_put(fd, 0, &big) == 0);	/* the longest fits */
	CHECK(state_put(fd, 1, &r) == 0);
	CHECK(state_put(fd, 2, &r) == 0);
	CHECK(state_put(fd, 1, NULL) == 0);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	CHECK(n == 3 * STATE_REC_LEN);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(!strncmp(buf, "65535 255.255.255.255 65535    \n", STATE_REC_LEN));
	CHECK(strspn(buf + STATE_REC_LEN, " ") == STATE_REC_LEN - 1 &&
	      buf[2 * STATE_REC_LEN - 1] == '\n');
	buf[3 * STATE_REC_LEN - 1] = '\0';
	/* padded records parse; blank ones are not records */
	CHECK(state_parse(buf + 2 * STATE_REC_LEN, &back) == 0 &&
	      back.id == 7 && back.peer_id == 3);
	buf[2 * STATE_REC_LEN - 1] = '\0';
	CHECK(state_parse(buf + STATE_REC_LEN, &back) == -1);

	/* stores through the mapping land in the file, in their slot only */
	map = state_map(fd, &e);
	CHECK(map != NULL);
	state_store(map, 1, &r);
	state_store(map, 2, NULL);
	state_store(map, STATE_MAX_SLOTS, &r);	/* out of range: ignored */
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	CHECK(n == 3 * STATE_REC_LEN);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(!strncmp(buf, "65535 255.255.255.255 65535    \n", STATE_REC_LEN));
	CHECK(!strncmp(buf + STATE_REC_LEN, "7 10.0.0.1 3", 12) &&
	      buf[2 * STATE_REC_LEN - 1] == '\n');
	CHECK(strspn(buf + 2 * STATE_REC_LEN, " ") == STATE_REC_LEN - 1);
	state_unmap(map);
	close(fd);
	unlink(path);
	rmdir(dir);
}

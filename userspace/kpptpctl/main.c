// SPDX-License-Identifier: GPL-2.0
/* kpptpctl: configure and inspect kpptp.ko calls.  See ctl.c. */
#include "kpptpctl.h"

int main(int argc, char **argv)
{
	return kpptpctl_main(argc, argv);
}

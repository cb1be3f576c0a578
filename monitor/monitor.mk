# SPDX-License-Identifier: GPL-2.0-or-later
# monitor/: QMP (the server, its commands, its JSON layer) and HMP.
obj-y += $(patsubst %.c,%.o,$(wildcard monitor/*.c))

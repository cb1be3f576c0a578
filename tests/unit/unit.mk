# SPDX-License-Identifier: GPL-2.0-or-later
# CUnit suites: every tests/unit/*.c is linked into one runner.
unit-obj-y += $(patsubst %.c,%.o,$(wildcard tests/unit/*.c))

# SPDX-License-Identifier: GPL-2.0-or-later
# tests/qtest/: every NAME-test.c is a qtest program build/tests/qtest/NAME-test,
# linked with libqtest, libqos and the CUnit runner (qtest-main.c).
qtest-y += $(patsubst %.c,%,$(wildcard tests/qtest/*-test.c))
libqos-obj-y += tests/qtest/libqtest.o tests/qtest/qtest-main.o
libqos-obj-y += $(patsubst %.c,%.o,$(wildcard tests/qtest/libqos/*.c))

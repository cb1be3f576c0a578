/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AP start-up trampoline of the "smp" check.  The BSP copies the 16-bit part
 * [ap_trampoline_start, ap_trampoline_end) to a 4 KiB-aligned page below
 * 1 MiB; the SIPI starts the AP there in real mode (CS = page >> 4, IP = 0).
 * It marks its progress, loads the image's GDT, enters protected mode and
 * jumps to ap_entry32 in the image, which takes a stack and calls ap_main().
 */
#include "lib.h"

    .text
    .code16
    .globl ap_trampoline_start, ap_trampoline_end, ap_trampoline_progress

/* CS-relative offsets inside the copied page. */
#define TRAMP_OFFSET(sym) ((sym) - ap_trampoline_start)

ap_trampoline_start:
    cli
    movb $AP_PROGRESS_REAL_MODE, %cs:TRAMP_OFFSET(ap_trampoline_progress)
    lgdtl %cs:TRAMP_OFFSET(ap_gdt_desc)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $GDT_CODE_SEL, $ap_entry32

    .p2align 2
ap_gdt_desc:
    .word GDT_ENTRIES * GDT_ENTRY_SIZE - 1
    .long gdt
ap_trampoline_progress:
    .byte 0
ap_trampoline_end:

    .code32
ap_entry32:
    movw $GDT_DATA_SEL, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $AP_PROGRESS_PROTECTED_MODE, ap_progress
    movl $AP_STACK_SIZE, %eax
    lock xaddl %eax, ap_stack_next  /* eax = bottom of this AP's stack */
    addl $AP_STACK_SIZE, %eax
    movl %eax, %esp
    call ap_main
1:
    cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits

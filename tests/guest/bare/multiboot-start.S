/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot (version 1) entry of the "multiboot" test guest: the header the
 * loader looks for in the first 8 KiB, and the entry it jumps to in 32-bit
 * protected mode with EAX = 0x2BADB002 and EBX = struct multiboot_info
 * (Multiboot Specification 0.6.96, 3.1 and 3.2).  We save the entry state,
 * load start.S's GDT and our stack, zero .bss and call multiboot_main().
 */
#include "lib.h"

#define MULTIBOOT_HEADER_MAGIC 0x1badb002
/* Flags: modules page aligned, memory information wanted (bits 0, 1). */
#define MB_FLAGS 0x00000003

    .section .multiboot, "a"
    .p2align 2
    .long MULTIBOOT_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

    .section .text.entry, "ax"
    .code32
    .globl multiboot_entry
multiboot_entry:
    /* Only flag-preserving instructions until EFLAGS has been saved. */
    movl %eax, boot_eax
    movl %ebx, boot_ebx
    movl %cr0, %eax
    movl %eax, boot_cr0
    movl %cr4, %eax
    movl %eax, boot_cr4
    movl $mb_stack_top, %esp
    pushfl
    popl boot_eflags

    lgdt gdt_desc
    ljmp $GDT_CODE_SEL, $1f
1:
    movw $GDT_DATA_SEL, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $mb_stack_top, %esp

    cld
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    call multiboot_main
2:
    cli
    hlt
    jmp 2b

    /* In .data so that zeroing .bss keeps it. */
    .data
    .p2align 2
    .globl boot_eax
boot_eax:
    .long 0

    .bss
    .p2align 4
mb_stack:
    .skip BOOT_STACK_SIZE
mb_stack_top:

    .section .note.GNU-stack, "", @progbits

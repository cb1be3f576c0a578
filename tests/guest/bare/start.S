/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PVH entry point of kemu's bare-metal test guests, and the interrupt stubs.
 * The loader enters pvh_entry in 32-bit protected mode with paging off and
 * EBX = physical address of struct hvm_start_info (Xen PVH boot ABI).
 * We save the entry state, load our own GDT and stack, zero .bss, call
 * guest_main(); every IDT vector has a 16-byte stub calling isr_dispatch().
 */
#include "lib.h"

/* Vectors for which the CPU pushes an error code. */
#define VEC_DF 8
#define VEC_TS 10
#define VEC_PF 14
#define VEC_AC 17
#define VEC_CP 21
#define VEC_VC 29
#define VEC_SX 30

/* Xen's ELF note: name "Xen", type PHYS32_ENTRY, 32-bit entry address. */
    .section .note.pvh, "a", @note
    .p2align 2
    .long 4                         /* namesz: "Xen\0" */
    .long 4                         /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_entry

    .section .text.entry, "ax"
    .code32
    .globl pvh_entry
pvh_entry:
    /* Only flag-preserving instructions until EFLAGS has been saved. */
    movl %ebx, boot_ebx
    movl %cr0, %eax
    movl %eax, boot_cr0
    movl %cr4, %eax
    movl %eax, boot_cr4
    movl $boot_stack_top, %esp
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
    movl $boot_stack_top, %esp

    /* Zero .bss (the loader need not; a reset must not see stale data). */
    cld
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    call guest_main
2:
    cli
    hlt
    jmp 2b

/*
 * Interrupt stubs: stub N is at isr_stubs + N * ISR_STUB_SIZE.  Each pushes
 * a dummy error code when the CPU does not, then the vector number.
 */
    .text
    .p2align 4
    .globl isr_stubs
isr_stubs:
    .set vec, 0
    .rept IDT_VECTORS
    .p2align 4
    .if (vec == VEC_DF) || ((vec >= VEC_TS) && (vec <= VEC_PF)) || \
        (vec == VEC_AC) || (vec == VEC_CP) || (vec == VEC_VC) || \
        (vec == VEC_SX)
    .else
    pushl $0
    .endif
    pushl $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

/*
 * Return without IRET: KVM's instruction emulator (which runs all ring-0
 * code on kvm_pvm hosts) implements IRET and INT n in real mode only.  We
 * never change privilege level or CS, so rewrite the CPU's frame
 * [eip, cs, eflags] into [eflags, eip] and use POPF + RET.  An interrupt
 * taken between the two nests one word deeper and returns to the RET.
 */
#define FRAME_EIP 40                /* pushal (32) + vector + error code */
#define FRAME_CS 44
#define FRAME_EFLAGS 48
#define FRAME_SKIP 12               /* vector, error code, old eip slot */

isr_common:
    pushal
    cld
    pushl %esp                      /* struct isr_frame * */
    call isr_dispatch
    addl $4, %esp
    movl FRAME_EIP(%esp), %eax
    movl FRAME_EFLAGS(%esp), %ecx
    movl %eax, FRAME_EFLAGS(%esp)
    movl %ecx, FRAME_CS(%esp)
    popal
    addl $FRAME_SKIP, %esp
    popfl
    ret

    .data
    .p2align 3
    .globl gdt
gdt:
    .quad 0                         /* null */
    .quad GDT_FLAT_CODE32           /* GDT_CODE_SEL */
    .quad GDT_FLAT_DATA32           /* GDT_DATA_SEL */
gdt_end:

    .p2align 2
    .globl gdt_desc
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    /* Entry state; in .data so that zeroing .bss keeps it. */
    .globl boot_ebx, boot_cr0, boot_cr4, boot_eflags
boot_ebx:
    .long 0
boot_cr0:
    .long 0
boot_cr4:
    .long 0
boot_eflags:
    .long 0

    .bss
    .p2align 4
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits

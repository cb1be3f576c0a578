/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-exit benchmark guests: 64 KiB flat -bios images.  From the reset
 * vector the image enters 32-bit protected mode, performs EXIT_COUNT exits
 * of one kind (EXIT_KIND, chosen at build time, see exits.mk), then writes
 * 0x10 to isa-debug-exit (port 0xf4): the VMM exits with status 33.
 * The "idle" kind halts forever instead (for the RSS figure).
 */

/* Kinds; EXIT_KIND is one of these. */
#define KIND_EMPTY 0      /* no exits: start-up and exit cost */
#define KIND_LOOP 1       /* the loop alone, no exit: emulation overhead */
#define KIND_PIO_OUT 2    /* outb to BENCH_PORT */
#define KIND_PIO_IN 3     /* inb from BENCH_PORT */
#define KIND_MMIO_WRITE 4 /* movl to BENCH_MMIO_ADDR */
#define KIND_MMIO_READ 5  /* movl from BENCH_MMIO_ADDR */
#define KIND_UART 6       /* one character to the 16550 THR */
#define KIND_IDLE 7       /* cli; hlt forever */

/* Port 0x80 (POST codes): a device that discards writes, reads as 0xff. */
#define BENCH_PORT 0x80
/* Unassigned: inside the 32-bit PCI hole, no BAR is placed there. */
#define BENCH_MMIO_ADDR 0xd0000000
#define COM1_THR 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_PASS 0x10
#define UNROLL 10 /* exits per loop iteration; EXIT_COUNT % UNROLL == 0 */

#define BIOS_SEGMENT 0xf000
#define STACK_TOP 0x7000
#define RESET_VECTOR_OFFSET 0xfff0
#define IMAGE_SIZE 0x10000
#define ERASED_BYTE 0xff
#define CR0_PE 0x1
#define CODE_SEL 0x08
#define DATA_SEL 0x10
/*
 * Flat 4 GiB code and data descriptors with the accessed bit already set:
 * the GDT is in ROM, where the CPU could not set it on a segment load (KVM's
 * emulator retries such a load forever).
 */
#define GDT_FLAT_CODE32 0x00cf9b000000ffff
#define GDT_FLAT_DATA32 0x00cf93000000ffff

#if EXIT_COUNT % UNROLL != 0
#error "EXIT_COUNT must be a multiple of UNROLL"
#endif

/* The image is linked at BIOS_BASE (exits.mk); CS = BIOS_SEGMENT. */
#define REAL_OFFSET(sym) ((sym) - image_start)

    .code16
    .text
    .globl _start
image_start:
_start:
    cli
    cld
    lgdtl %cs:REAL_OFFSET(gdt_desc)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $CODE_SEL, $pm_entry

    .code32
pm_entry:
    movw $DATA_SEL, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl $STACK_TOP, %esp

#if EXIT_KIND == KIND_IDLE
1:
    cli
    hlt
    jmp 1b
#else
#if EXIT_KIND != KIND_EMPTY
    movl $EXIT_COUNT / UNROLL, %ecx
    movl $BENCH_MMIO_ADDR, %edi
    xorl %eax, %eax
    .p2align 4
2:
    .rept UNROLL
#if EXIT_KIND == KIND_PIO_OUT
    outb %al, $BENCH_PORT
#elif EXIT_KIND == KIND_PIO_IN
    inb $BENCH_PORT, %al
#elif EXIT_KIND == KIND_MMIO_WRITE
    movl %eax, (%edi)
#elif EXIT_KIND == KIND_MMIO_READ
    movl (%edi), %eax
#elif EXIT_KIND == KIND_UART
    movw $COM1_THR, %dx
    movb $'.', %al
    outb %al, %dx
#elif EXIT_KIND == KIND_LOOP
    nop
#else
#error "unknown EXIT_KIND"
#endif
    .endr
    decl %ecx
    jnz 2b
#endif
    movl $DEBUG_EXIT_PASS, %eax
    outl %eax, $DEBUG_EXIT_PORT
3:
    cli
    hlt
    jmp 3b
#endif

    .p2align 3
gdt:
    .quad 0
    .quad GDT_FLAT_CODE32
    .quad GDT_FLAT_DATA32
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .org RESET_VECTOR_OFFSET, ERASED_BYTE
    .code16
reset_vector:
    ljmp $BIOS_SEGMENT, $REAL_OFFSET(_start)
    .org IMAGE_SIZE, ERASED_BYTE

    .section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bios-hello.bin: a 64 KiB flat -bios image.  The CPU starts at the reset
 * vector (offset 0xfff0, i.e. 0xfffffff0), which far-jumps to F000:_start
 * in the copy mapped at 0xf0000.  In real mode, with a stack in low RAM, it
 * prints "KEMU-TEST bios: PASS" on COM1 and exits through isa-debug-exit.
 */
#include "lib.h"

#define BIOS_SEGMENT 0xf000
#define BIOS_STACK_TOP 0x7000
#define RESET_VECTOR_OFFSET 0xfff0
#define IMAGE_SIZE 0x10000
#define ERASED_BYTE 0xff

    .code16
    .text
    .globl _start
_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ss
    movw $BIOS_STACK_TOP, %sp
    movw $BIOS_SEGMENT, %ax
    movw %ax, %ds

    /* 115200 8N1, interrupts off. */
    movw $COM1_BASE + UART_IER, %dx
    xorb %al, %al
    outb %al, %dx
    movw $COM1_BASE + UART_LCR, %dx
    movb $UART_LCR_DLAB, %al
    outb %al, %dx
    movw $COM1_BASE + UART_DLL, %dx
    movb $UART_DIVISOR_115200, %al
    outb %al, %dx
    movw $COM1_BASE + UART_DLM, %dx
    xorb %al, %al
    outb %al, %dx
    movw $COM1_BASE + UART_LCR, %dx
    movb $UART_LCR_8N1, %al
    outb %al, %dx

    movw $message, %si
    call puts

    movw $DEBUG_EXIT_PORT, %dx
    movl $DEBUG_EXIT_PASS, %eax
    outl %eax, %dx
1:
    hlt
    jmp 1b

/* puts: print the NUL-terminated string at DS:SI. */
puts:
    lodsb
    testb %al, %al
    jz 2f
    call putc
    jmp puts
2:
    ret

/* putc: print AL once the transmitter holding register is empty. */
putc:
    movb %al, %bl
    movw $COM1_BASE + UART_LSR, %dx
3:
    inb %dx, %al
    testb $UART_LSR_THRE, %al
    jz 3b
    movw $COM1_BASE + UART_THR, %dx
    movb %bl, %al
    outb %al, %dx
    ret

message:
    .asciz "KEMU-TEST bios: PASS\r\n"

    .org RESET_VECTOR_OFFSET, ERASED_BYTE
reset_vector:
    ljmp $BIOS_SEGMENT, $_start
    .org IMAGE_SIZE, ERASED_BYTE

    .section .note.GNU-stack, "", @progbits

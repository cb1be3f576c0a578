/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "serial": the 16550 UART at 0x3f8.  Register round trips (scratch,
 * LCR, DLAB divisor latch), polled input (run.sh sends "ping\n" on the
 * VMM's stdin; we answer "got: ping"), and interrupt-driven output: THR-empty
 * interrupts on IRQ 4 through the 8259 PIC and the LAPIC's LINT0 (ExtINT).
 */
#include "lib.h"

#define SCRATCH_PATTERN_A 0x5a
#define SCRATCH_PATTERN_B 0xa5
#define TEST_DIVISOR_LOW  0x0c /* 9600 baud */
#define TEST_DIVISOR_HIGH 0x05 /* fits in IER's 4 bits: detects aliasing */
#define IER_VALID_BITS    0x0f
#define LINE_MAX          32
#define EXPECTED_LINE     "ping"
#define INPUT_TIMEOUT_MS  10000
#define IRQ_TX_TIMEOUT_MS 5000

const char test_name[] = "serial";

static const char irq_message[] = "serial: interrupt-driven output works\r\n";
static volatile uint32_t irq_pos;
static volatile uint32_t irq_thre_count;
static volatile uint32_t irq_other_count;

static uint8_t uart_read(unsigned reg)
{
    return inb(COM1_BASE + reg);
}

static void uart_write(unsigned reg, uint8_t val)
{
    outb(COM1_BASE + reg, val);
}

static void check_scratch(void)
{
    uart_write(UART_SCR, SCRATCH_PATTERN_A);
    if (uart_read(UART_SCR) != SCRATCH_PATTERN_A) {
        test_fail("scratch register: wrote %x, read %x", SCRATCH_PATTERN_A,
                  uart_read(UART_SCR));
    }
    uart_write(UART_SCR, SCRATCH_PATTERN_B);
    if (uart_read(UART_SCR) != SCRATCH_PATTERN_B) {
        test_fail("scratch register: wrote %x, read %x", SCRATCH_PATTERN_B,
                  uart_read(UART_SCR));
    }
    printf("serial: scratch register round trip ok\n");
}

static void check_divisor_latch(void)
{
    uint8_t lcr, dll, dlm, ier;

    uart_write(UART_IER, 0);
    uart_write(UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
    uart_write(UART_DLL, TEST_DIVISOR_LOW);
    uart_write(UART_DLM, TEST_DIVISOR_HIGH);
    lcr = uart_read(UART_LCR);
    dll = uart_read(UART_DLL);
    dlm = uart_read(UART_DLM);
    /* Restore 115200 8N1 before reporting anything. */
    uart_write(UART_DLL, UART_DIVISOR_115200);
    uart_write(UART_DLM, 0);
    uart_write(UART_LCR, UART_LCR_8N1);
    ier = uart_read(UART_IER);
    if (lcr != (UART_LCR_DLAB | UART_LCR_8N1)) {
        test_fail("LCR read %x with DLAB set, wrote %x", lcr,
                  UART_LCR_DLAB | UART_LCR_8N1);
    }
    if (dll != TEST_DIVISOR_LOW || dlm != TEST_DIVISOR_HIGH) {
        test_fail("divisor latch read %x:%x, wrote %x:%x", dlm, dll,
                  TEST_DIVISOR_HIGH, TEST_DIVISOR_LOW);
    }
    if (uart_read(UART_LCR) != UART_LCR_8N1) {
        test_fail("LCR read %x after clearing DLAB, wrote %x",
                  uart_read(UART_LCR), UART_LCR_8N1);
    }
    if ((ier & IER_VALID_BITS) != 0) {
        test_fail("IER reads %x after DLAB cleared: DLM aliased onto IER", ier);
    }
    printf("serial: LCR and divisor latch round trip ok\n");
}

static void check_input(void)
{
    char line[LINE_MAX];
    unsigned n = 0;

    printf("serial: waiting for a line on input\n");
    for (;;) {
        int c = serial_getc_timeout(INPUT_TIMEOUT_MS);

        if (c < 0) {
            line[n] = '\0';
            test_fail("no input line within %u ms (had '%s')", INPUT_TIMEOUT_MS,
                      line);
        }
        if (c == '\r') {
            continue;
        }
        if (c == '\n') {
            break;
        }
        if (n + 1 >= LINE_MAX) {
            test_fail("input line longer than %u bytes", LINE_MAX - 1);
        }
        line[n++] = (char)c;
    }
    line[n] = '\0';
    printf("got: %s\n", line);
    if (strcmp(line, EXPECTED_LINE) != 0) {
        test_fail("input line '%s', expected '%s'", line, EXPECTED_LINE);
    }
}

static void uart_irq(struct isr_frame *frame)
{
    uint8_t iir = uart_read(UART_IIR);

    (void)frame;
    if ((iir & UART_IIR_ID_MASK) == UART_IIR_THRI) {
        irq_thre_count++;
        if (irq_message[irq_pos]) {
            uart_write(UART_THR, (uint8_t)irq_message[irq_pos++]);
        } else {
            uart_write(UART_IER, 0);
        }
    } else if (!(iir & UART_IIR_NO_INT)) {
        irq_other_count++;
    }
    pic_eoi(COM1_IRQ);
}

static void check_irq_output(void)
{
    uint32_t len = strlen(irq_message);

    pic_init();
    lapic_enable();
    isr_set_handler(PIC_VECTOR_BASE + COM1_IRQ, uart_irq);
    pic_unmask(COM1_IRQ);
    /* THR is empty: enabling the THRE interrupt raises IRQ 4 at once. */
    uart_write(UART_IER, UART_IER_THRI);
    if (!wait_count(&irq_pos, len, IRQ_TX_TIMEOUT_MS) ||
        !wait_count(&irq_thre_count, len + 1, IRQ_TX_TIMEOUT_MS)) {
        test_fail("THRE interrupts on IRQ 4: %u, sent %u of %u bytes",
                  irq_thre_count, irq_pos, len);
    }
    irq_disable();
    pic_mask(COM1_IRQ);
    uart_write(UART_IER, 0);
    printf("serial: %u THRE interrupts on IRQ 4 (vector 0x%x), %u others\n",
           irq_thre_count, PIC_VECTOR_BASE + COM1_IRQ, irq_other_count);
}

void test_main(void)
{
    printf("serial: output works\n");
    check_scratch();
    check_divisor_latch();
    check_input();
    check_irq_output();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime shared by kemu's bare-metal test guests (see lib.h): console,
 * printf-lite, verdicts, IDT dispatch, PIC/LAPIC/IOAPIC/CMOS helpers, and
 * guest_main(), which checks the PVH start info and runs test_main().
 */
#include "lib.h"

#define IDT_GATE_INT32        0x8e /* present, ring 0, 32-bit interrupt gate */
#define IDT_OFFSET_HIGH_SHIFT 16
#define IDT_ALIGN             8
#define EXCEPTION_VECTORS     32
#define PRINTF_NUM_BUF        24
#define DECIMAL_BASE          10
#define HEX_BASE              16
#define HEX_DIGIT_BITS        4
#define HEX_DIGIT_MASK        0xf

/* 8259 initialisation words. */
#define PIC_ICW1_INIT_ICW4                0x11
#define PIC_ICW3_MASTER_HAS_SLAVE_ON_IRQ2 0x04
#define PIC_ICW3_SLAVE_ID                 0x02
#define PIC_ICW4_8086                     0x01
#define PIC_EOI                           0x20
#define PIC_ALL_MASKED                    0xff
#define PIC_LINES_PER_CHIP                8

#define IPI_IDLE_TIMEOUT_MS 100

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_high;
} __attribute__((packed));

struct idt_desc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

extern char isr_stubs[];

static struct idt_entry idt[IDT_VECTORS] __attribute__((aligned(IDT_ALIGN)));
static isr_handler_fn isr_handlers[IDT_VECTORS];

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y) {
            return *x - *y;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/* ---- console ---------------------------------------------------------- */

void serial_init(void)
{
    outb(COM1_BASE + UART_IER, 0);
    outb(COM1_BASE + UART_LCR, UART_LCR_DLAB);
    outb(COM1_BASE + UART_DLL, UART_DIVISOR_115200);
    outb(COM1_BASE + UART_DLM, 0);
    outb(COM1_BASE + UART_LCR, UART_LCR_8N1);
    /* FIFOs stay off and are not cleared: input may already be waiting. */
    outb(COM1_BASE + UART_FCR, 0);
    outb(COM1_BASE + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

void serial_putc(char c)
{
    if (c == '\n') {
        serial_putc('\r');
    }
    while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)) {
        cpu_relax();
    }
    outb(COM1_BASE + UART_THR, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s) {
        serial_putc(*s++);
    }
}

int serial_getc_timeout(uint32_t ms)
{
    uint64_t deadline = tsc_deadline(ms);

    while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_DR)) {
        if (tsc_expired(deadline)) {
            return -1;
        }
    }
    return inb(COM1_BASE + UART_RBR);
}

static void print_unsigned(uint64_t v, unsigned base, int width, char pad,
                           int upper)
{
    char buf[PRINTF_NUM_BUF];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;

    /* 64-bit division needs libgcc: only hex is printed 64 bits wide. */
    if (base == HEX_BASE) {
        do {
            buf[n++] = digits[v & HEX_DIGIT_MASK];
            v >>= HEX_DIGIT_BITS;
        } while (v);
    } else {
        uint32_t w = (uint32_t)v;

        do {
            buf[n++] = (char)('0' + w % DECIMAL_BASE);
            w /= DECIMAL_BASE;
        } while (w);
    }
    while (n < width && n < PRINTF_NUM_BUF) {
        buf[n++] = pad;
    }
    while (n) {
        serial_putc(buf[--n]);
    }
}

/*
 * Supports %s %c %d %u %x %X %llx %% with an optional zero flag and width,
 * e.g. %08x.  %d and %u are 32-bit.
 */
void vprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        char pad = ' ';
        int width = 0;
        int is_long_long = 0;

        if (*fmt != '%') {
            serial_putc(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * DECIMAL_BASE + (*fmt++ - '0');
        }
        while (*fmt == 'l') {
            is_long_long = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            serial_puts(s ? s : "(null)");
            break;
        }
        case 'c':
            serial_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            if (v < 0) {
                serial_putc('-');
                v = -v;
            }
            print_unsigned((uint32_t)v, DECIMAL_BASE, width, pad, 0);
            break;
        }
        case 'u':
            print_unsigned(va_arg(ap, uint32_t), DECIMAL_BASE, width, pad, 0);
            break;
        case 'x':
        case 'X':
            if (is_long_long) {
                print_unsigned(va_arg(ap, uint64_t), HEX_BASE, width, pad,
                               *fmt == 'X');
            } else {
                print_unsigned(va_arg(ap, uint32_t), HEX_BASE, width, pad,
                               *fmt == 'X');
            }
            break;
        case '%':
            serial_putc('%');
            break;
        case '\0':
            return;
        default:
            serial_putc('?');
            break;
        }
    }
}

void printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* ---- verdicts --------------------------------------------------------- */

void debug_exit(uint32_t value)
{
    irq_disable();
    outl(DEBUG_EXIT_PORT, value);
    /* A VMM without isa-debug-exit: stop here; the runner's timeout ends it. */
    for (;;) {
        __asm__ volatile("hlt");
    }
}

void test_pass(void)
{
    irq_disable();
    printf("KEMU-TEST %s: PASS\n", test_name);
    debug_exit(DEBUG_EXIT_PASS);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    irq_disable();
    printf("KEMU-TEST %s: FAIL ", test_name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    serial_putc('\n');
    debug_exit(DEBUG_EXIT_FAIL);
}

/* ---- time ------------------------------------------------------------- */

uint64_t tsc_deadline(uint32_t ms)
{
    return rdtsc() + (uint64_t)ms * TSC_CYCLES_PER_MS_GUESS;
}

int tsc_expired(uint64_t deadline)
{
    return rdtsc() >= deadline;
}

void delay_ms(uint32_t ms)
{
    uint64_t deadline = tsc_deadline(ms);

    while (!tsc_expired(deadline)) {
        cpu_relax();
    }
}

int wait_count(volatile uint32_t *counter, uint32_t target, uint32_t ms)
{
    uint64_t deadline = tsc_deadline(ms);

    irq_enable();
    while (*counter < target) {
        if (tsc_expired(deadline)) {
            return 0;
        }
        cpu_relax();
    }
    return 1;
}

/* ---- interrupts ------------------------------------------------------- */

void idt_init(void)
{
    for (unsigned v = 0; v < IDT_VECTORS; v++) {
        uint32_t addr = (uint32_t)(uintptr_t)isr_stubs + v * ISR_STUB_SIZE;

        idt[v].offset_low = (uint16_t)addr;
        idt[v].selector = GDT_CODE_SEL;
        idt[v].zero = 0;
        idt[v].type_attr = IDT_GATE_INT32;
        idt[v].offset_high = (uint16_t)(addr >> IDT_OFFSET_HIGH_SHIFT);
    }
    idt_load();
}

void idt_load(void)
{
    struct idt_desc desc = {
        .limit = sizeof(idt) - 1,
        .base = (uint32_t)(uintptr_t)idt,
    };

    __asm__ volatile("lidt %0" : : "m"(desc));
}

void isr_set_handler(uint8_t vector, isr_handler_fn fn)
{
    isr_handlers[vector] = fn;
}

void isr_dispatch(struct isr_frame *frame);
void isr_dispatch(struct isr_frame *frame)
{
    uint32_t v = frame->vector;

    if (v < IDT_VECTORS && isr_handlers[v]) {
        isr_handlers[v](frame);
        return;
    }
    if (v == LAPIC_SPURIOUS_VECTOR || v == PIC_SPURIOUS_MASTER ||
        v == PIC_SPURIOUS_SLAVE) {
        return; /* spurious: no EOI */
    }
    if (v < EXCEPTION_VECTORS) {
        test_fail("CPU exception %u error %x at eip %08x", v, frame->error_code,
                  frame->eip);
    }
    test_fail("unexpected interrupt vector 0x%x at eip %08x", v, frame->eip);
}

/* ---- 8259 PIC --------------------------------------------------------- */

void pic_init(void)
{
    outb(PIC1_CMD, PIC_ICW1_INIT_ICW4);
    outb(PIC2_CMD, PIC_ICW1_INIT_ICW4);
    outb(PIC1_DATA, PIC_VECTOR_BASE);
    outb(PIC2_DATA, PIC_VECTOR_BASE + PIC_LINES_PER_CHIP);
    outb(PIC1_DATA, PIC_ICW3_MASTER_HAS_SLAVE_ON_IRQ2);
    outb(PIC2_DATA, PIC_ICW3_SLAVE_ID);
    outb(PIC1_DATA, PIC_ICW4_8086);
    outb(PIC2_DATA, PIC_ICW4_8086);
    pic_mask_all();
}

void pic_mask_all(void)
{
    outb(PIC1_DATA, PIC_ALL_MASKED);
    outb(PIC2_DATA, PIC_ALL_MASKED);
}

void pic_unmask(unsigned irq)
{
    if (irq >= PIC_LINES_PER_CHIP) {
        outb(PIC2_DATA, inb(PIC2_DATA) & ~(1u << (irq - PIC_LINES_PER_CHIP)));
        irq = PIC_CASCADE_IRQ;
    }
    outb(PIC1_DATA, inb(PIC1_DATA) & ~(1u << irq));
}

void pic_mask(unsigned irq)
{
    if (irq >= PIC_LINES_PER_CHIP) {
        outb(PIC2_DATA, inb(PIC2_DATA) | (1u << (irq - PIC_LINES_PER_CHIP)));
    } else {
        outb(PIC1_DATA, inb(PIC1_DATA) | (1u << irq));
    }
}

void pic_eoi(unsigned irq)
{
    if (irq >= PIC_LINES_PER_CHIP) {
        outb(PIC2_CMD, PIC_EOI);
    }
    outb(PIC1_CMD, PIC_EOI);
}

/* ---- local APIC ------------------------------------------------------- */

uint32_t lapic_read(uint32_t reg)
{
    return mmio_read32(LAPIC_BASE + reg);
}

void lapic_write(uint32_t reg, uint32_t val)
{
    mmio_write32(LAPIC_BASE + reg, val);
}

void lapic_enable(void)
{
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_EXTINT);
    lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_NMI);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT;
}

int lapic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low)
{
    uint64_t deadline;

    lapic_write(LAPIC_ICR_HIGH, dest_apic_id << LAPIC_ICR_DEST_SHIFT);
    lapic_write(LAPIC_ICR_LOW, icr_low);
    deadline = tsc_deadline(IPI_IDLE_TIMEOUT_MS);
    while (lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_BUSY) {
        if (tsc_expired(deadline)) {
            return 0;
        }
        cpu_relax();
    }
    return 1;
}

/* ---- IOAPIC ----------------------------------------------------------- */

uint32_t ioapic_read(uint32_t reg)
{
    mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
    return mmio_read32(IOAPIC_BASE + IOAPIC_WINDOW);
}

void ioapic_write(uint32_t reg, uint32_t val)
{
    mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
    mmio_write32(IOAPIC_BASE + IOAPIC_WINDOW, val);
}

void ioapic_set_redir(unsigned pin, uint32_t low, uint32_t high)
{
    /* Masked while the halves are inconsistent. */
    ioapic_write(IOAPIC_REDIR_LOW(pin), IOAPIC_REDIR_MASKED);
    ioapic_write(IOAPIC_REDIR_HIGH(pin), high);
    ioapic_write(IOAPIC_REDIR_LOW(pin), low);
}

uint32_t ioapic_redir_low(unsigned pin)
{
    return ioapic_read(IOAPIC_REDIR_LOW(pin));
}

unsigned ioapic_pins(void)
{
    return ((ioapic_read(IOAPIC_REG_VERSION) >>
             IOAPIC_VERSION_MAX_REDIR_SHIFT) &
            IOAPIC_VERSION_MAX_REDIR_MASK) +
           1;
}

void ioapic_mask_all(void)
{
    unsigned pins = ioapic_pins();

    for (unsigned pin = 0; pin < pins; pin++) {
        ioapic_set_redir(pin, IOAPIC_REDIR_MASKED, 0);
    }
}

/* ---- CMOS ------------------------------------------------------------- */

uint8_t cmos_read(uint8_t index)
{
    outb(CMOS_INDEX, index);
    return inb(CMOS_DATA);
}

void cmos_write(uint8_t index, uint8_t val)
{
    outb(CMOS_INDEX, index);
    outb(CMOS_DATA, val);
}

/* ---- entry ------------------------------------------------------------ */

const struct hvm_start_info *start_info(void)
{
    return (const struct hvm_start_info *)(uintptr_t)boot_ebx;
}

void guest_main(void);
void guest_main(void)
{
    const struct hvm_start_info *si = start_info();

    serial_init();
    idt_init();
    /* Firmware may have left the PICs at vector 8 with IRQ 0 unmasked. */
    pic_init();
    printf("kemu bare guest '%s': image %08x-%08x, start info at %08x\n",
           test_name, (uint32_t)(uintptr_t)__image_start,
           (uint32_t)(uintptr_t)__image_end, boot_ebx);
    if (si->magic != HVM_START_MAGIC) {
        test_fail("hvm_start_info magic %08x, expected %08x (EBX=%08x)",
                  si->magic, HVM_START_MAGIC, boot_ebx);
    }
    test_main();
    test_pass();
}

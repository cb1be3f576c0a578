/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime shared by kemu's bare-metal test guests: port and MMIO access,
 * the 16550 console, printf-lite, test verdicts through isa-debug-exit,
 * the IDT, and helpers for the 8259 PIC, the local APIC, the IOAPIC, the
 * CMOS RTC and the PIT.  Guests are 32-bit, paging off, flat segments.
 */
#ifndef KEMU_BARE_LIB_H
#define KEMU_BARE_LIB_H

/* Shared with the assembly files (start.S, trampoline.S, bios-hello.S). */
#define GDT_CODE_SEL 0x08
#define GDT_DATA_SEL 0x10
/* Flat 4 GiB descriptors: base 0, limit 0xfffff pages, present, ring 0. */
#define GDT_FLAT_CODE32          0x00cf9a000000ffff /* 32-bit, execute/read */
#define GDT_FLAT_DATA32          0x00cf92000000ffff /* read/write */
#define BOOT_STACK_SIZE          16384
#define ISR_STUB_SIZE            16
#define IDT_VECTORS              256
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define CR0_PE                   0x1
#define GDT_ENTRIES              3 /* null, code, data */
#define GDT_ENTRY_SIZE           8
/* The smp check's AP start-up (trampoline.S, smp.c). */
#define AP_STACK_SIZE              4096
#define AP_PROGRESS_REAL_MODE      1
#define AP_PROGRESS_PROTECTED_MODE 2
#define AP_PROGRESS_C              3

/* isa-debug-exit: QEMU exits with status (value << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_PASS 0x10 /* exit status 33 */
#define DEBUG_EXIT_FAIL 0x11 /* exit status 35 */

/* 16550 UART, COM1. */
#define COM1_BASE           0x3f8
#define COM1_IRQ            4
#define UART_RBR            0 /* read, DLAB=0 */
#define UART_THR            0 /* write, DLAB=0 */
#define UART_DLL            0 /* DLAB=1 */
#define UART_IER            1 /* DLAB=0 */
#define UART_DLM            1 /* DLAB=1 */
#define UART_IIR            2 /* read */
#define UART_FCR            2 /* write */
#define UART_LCR            3
#define UART_MCR            4
#define UART_LSR            5
#define UART_SCR            7
#define UART_IER_THRI       0x02
#define UART_IIR_NO_INT     0x01
#define UART_IIR_ID_MASK    0x0f
#define UART_IIR_THRI       0x02
#define UART_LCR_8N1        0x03
#define UART_LCR_DLAB       0x80
#define UART_MCR_DTR        0x01
#define UART_MCR_RTS        0x02
#define UART_MCR_OUT2       0x08
#define UART_LSR_DR         0x01
#define UART_LSR_THRE       0x20
#define UART_DIVISOR_115200 1

#ifndef __ASSEMBLER__

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* 8259 PICs. */
#define PIC1_CMD            0x20
#define PIC1_DATA           0x21
#define PIC2_CMD            0xa0
#define PIC2_DATA           0xa1
#define PIC_VECTOR_BASE     0x20 /* IRQ n -> vector 0x20 + n */
#define PIC_CASCADE_IRQ     2
#define PIC_IRQS            16
#define PIC_SPURIOUS_MASTER (PIC_VECTOR_BASE + 7)
#define PIC_SPURIOUS_SLAVE  (PIC_VECTOR_BASE + 15)

/* Local APIC (xAPIC MMIO). */
#define LAPIC_BASE               0xfee00000u
#define LAPIC_ID                 0x020
#define LAPIC_VERSION            0x030
#define LAPIC_TPR                0x080
#define LAPIC_EOI                0x0b0
#define LAPIC_SVR                0x0f0
#define LAPIC_ICR_LOW            0x300
#define LAPIC_ICR_HIGH           0x310
#define LAPIC_LVT_TIMER          0x320
#define LAPIC_LVT_LINT0          0x350
#define LAPIC_LVT_LINT1          0x360
#define LAPIC_LVT_ERROR          0x370
#define LAPIC_TIMER_INITIAL      0x380
#define LAPIC_TIMER_CURRENT      0x390
#define LAPIC_TIMER_DIVIDE       0x3e0
#define LAPIC_SVR_ENABLE         0x100
#define LAPIC_SPURIOUS_VECTOR    0xff
#define LAPIC_LVT_MASKED         0x10000
#define LAPIC_LVT_TIMER_PERIODIC 0x20000
#define LAPIC_LVT_EXTINT         0x700
#define LAPIC_LVT_NMI            0x400
#define LAPIC_ID_SHIFT           24
#define LAPIC_ICR_BUSY           0x1000
#define LAPIC_ICR_ASSERT         0x4000
#define LAPIC_ICR_INIT           0x500
#define LAPIC_ICR_STARTUP        0x600
#define LAPIC_ICR_FIXED          0x000
#define LAPIC_ICR_DEST_SHIFT     24
#define MSR_IA32_APIC_BASE       0x1b
#define APIC_BASE_BSP            0x100

/* IOAPIC. */
#define IOAPIC_BASE                    0xfec00000u
#define IOAPIC_REGSEL                  0x00
#define IOAPIC_WINDOW                  0x10
#define IOAPIC_REG_ID                  0x00
#define IOAPIC_REG_VERSION             0x01
#define IOAPIC_REG_REDIR               0x10 /* + 2 * pin (low), + 1 (high) */
#define IOAPIC_REDIR_LOW(pin)          (IOAPIC_REG_REDIR + 2 * (pin))
#define IOAPIC_REDIR_HIGH(pin)         (IOAPIC_REDIR_LOW(pin) + 1)
#define IOAPIC_VERSION_MAX_REDIR_SHIFT 16
#define IOAPIC_VERSION_MAX_REDIR_MASK  0xff
#define IOAPIC_REDIR_MASKED            0x10000
#define IOAPIC_REDIR_LEVEL             0x08000
#define IOAPIC_REDIR_REMOTE_IRR        0x04000
#define IOAPIC_REDIR_DEST_SHIFT        24

/* MC146818 RTC / CMOS. */
#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define RTC_IRQ    8

/* 8254 PIT. */
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_IRQ 0
#define PIT_HZ  1193182u
#define PORT_B  0x61 /* PC speaker / PIT channel 2 gate and output */

/*
 * Timeouts count TSC cycles.  The guest cannot know the TSC frequency
 * without a reference clock, so it assumes this many cycles per millisecond
 * (a 3 GHz TSC): timeouts are generous multiples of the expected time.
 */
#define TSC_CYCLES_PER_MS_GUESS 3000000ull

/* Xen PVH start info (xen/include/public/arch-x86/hvm/start_info.h). */
#define HVM_START_MAGIC     0x336ec578u
#define HVM_MEMMAP_TYPE_RAM 1

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr; /* version >= 1 */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

/* What start.S pushes before calling isr_dispatch(). */
struct isr_frame {
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
    uint32_t vector;
    uint32_t error_code;
    uint32_t eip, cs, eflags;
};

typedef void (*isr_handler_fn)(struct isr_frame *frame);

/* Provided by each test file. */
extern const char test_name[];
void test_main(void);

/* Saved by start.S at the PVH entry, before anything changes them. */
extern uint32_t boot_ebx;
extern uint32_t boot_cr0;
extern uint32_t boot_cr4;
extern uint32_t boot_eflags;

/* Linker-script symbols. */
extern char __image_start[];
extern char __image_end[];

static inline void outb(uint16_t port, uint8_t val)
{
    __asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t val)
{
    __asm__ volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
    __asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t val;
    __asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t val;
    __asm__ volatile("inw %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t val;
    __asm__ volatile("inl %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

static inline uint32_t mmio_read32(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint32_t addr, uint32_t val)
{
    *(volatile uint32_t *)(uintptr_t)addr = val;
}

static inline uint64_t rdtsc(void)
{
    uint64_t val;
    __asm__ volatile("rdtsc" : "=A"(val));
    return val;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint64_t val;
    __asm__ volatile("rdmsr" : "=A"(val) : "c"(msr));
    return val;
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline uint32_t bswap32(uint32_t v)
{
    return __builtin_bswap32(v);
}

/* libc-like helpers (gcc may emit calls to the first three). */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* Console on COM1 (polled). */
void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
/** serial_getc_timeout - a received byte, or -1 after @ms (TSC guess) */
int serial_getc_timeout(uint32_t ms);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap);

/* Verdicts: print the KEMU-TEST line, then exit through isa-debug-exit. */
void test_pass(void) __attribute__((noreturn));
void test_fail(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void debug_exit(uint32_t value) __attribute__((noreturn));

/* Time. */
uint64_t tsc_deadline(uint32_t ms);
int tsc_expired(uint64_t deadline);
/** delay_ms - busy-wait roughly @ms (TSC guess), interrupts untouched */
void delay_ms(uint32_t ms);
/**
 * wait_count - poll until *@counter >= @target (interrupts enabled)
 * Returns 1 on success, 0 after @ms (TSC guess).
 */
int wait_count(volatile uint32_t *counter, uint32_t target, uint32_t ms);

/* Interrupts. */
void idt_init(void);
void idt_load(void);
void isr_set_handler(uint8_t vector, isr_handler_fn fn);

/* 8259 PIC: remapped to PIC_VECTOR_BASE, all lines masked. */
void pic_init(void);
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
void pic_mask_all(void);
void pic_eoi(unsigned irq);

/* Local APIC. */
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t val);
/** lapic_enable - software-enable, LINT0 ExtINT (virtual wire), LINT1 NMI */
void lapic_enable(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
/** lapic_send_ipi - write ICR (@high = destination), wait until idle */
int lapic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low);

/* IOAPIC. */
uint32_t ioapic_read(uint32_t reg);
void ioapic_write(uint32_t reg, uint32_t val);
void ioapic_set_redir(unsigned pin, uint32_t low, uint32_t high);
uint32_t ioapic_redir_low(unsigned pin);
/** ioapic_pins - number of redirection entries (version register) */
unsigned ioapic_pins(void);
void ioapic_mask_all(void);

/* CMOS. */
uint8_t cmos_read(uint8_t index);
void cmos_write(uint8_t index, uint8_t val);

/* Boot information. */
const struct hvm_start_info *start_info(void);

#endif /* __ASSEMBLER__ */
#endif /* KEMU_BARE_LIB_H */

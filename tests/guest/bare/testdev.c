/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "testdev": the test devices kvm-unit-tests relies on, from a real
 * guest on KVM (run.sh adds -device pc-testdev -device pci-testdev).
 * pc-testdev: the data register at 0xe0 and 0xe8 read back at every width
 * and through string I/O; the 64 KiB at 0xff000000 read back with 1- and
 * 4-byte and unaligned accesses (8-byte ones need SSE: the qtest has
 * them); the flush-page port; an interrupt raised and lowered on IRQ 5
 * through 0x2005, reaching the CPU through the 8259.  pci-testdev: found
 * by 1b36:0005 through 0xcf8/0xcfc, its BARs programmed, then
 * kvm-unit-tests' pci_testdev_one() on each of the six tests: all 16
 * doorbell writes counted for the no-eventfd tests, none for the eventfd
 * tests, whose writes KVM's ioeventfds take.
 */
#include "lib.h"

#define TD_IOPORT      0xe0
#define TD_FLUSH       0xe4
#define TD_IOPORT_BYTE 0xe8
#define TD_IRQ_BASE    0x2000
#define TD_IRQ         5
#define TD_IOMEM       0xff000000u
#define TD_IOMEM_SIZE  0x10000u
#define IRQ_WAIT_MS    100

#define PCI_CONFIG_ADDR 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_ENABLE      0x80000000u
#define PCI_SLOTS       32
#define PCI_ID          0x00
#define PCI_COMMAND     0x04
#define PCI_BAR0        0x10
#define PCI_BAR1        0x14
#define PCI_CMD_IO_MEM  0x3
#define TESTDEV_ID      0x00051b36u /* device 0x0005, vendor 0x1b36 */
#define BAR0_ADDR       0xe0000000u /* in the PCI hole above -m 128M */
#define BAR1_PORT       0xc000u
#define HDR_TEST        0
#define HDR_WIDTH       1
#define HDR_OFFSET      4
#define HDR_DATA        8
#define HDR_COUNT       12
#define HDR_NAME        16
#define NAME_MAX_LEN    32
#define NR_WRITES       16
#define TESTS_PER_BAR   3

const char test_name[] = "testdev";

static volatile uint32_t td_irqs;

static void td_irq(struct isr_frame *frame)
{
    (void)frame;
    td_irqs++;
    pic_eoi(TD_IRQ);
}

static inline void mmio_write8(uint32_t addr, uint8_t val)
{
    *(volatile uint8_t *)(uintptr_t)addr = val;
}

static inline uint8_t mmio_read8(uint32_t addr)
{
    return *(volatile uint8_t *)(uintptr_t)addr;
}

static void check_ioports(void)
{
    static const uint8_t out[4] = {0x11, 0x22, 0x33, 0x44};
    const uint8_t *p = out;
    uint32_t n = sizeof(out);
    uint8_t in[4] = {0};
    uint8_t *q = in;

    outl(TD_IOPORT, 0x12345678);
    if (inl(TD_IOPORT) != 0x12345678 || inb(TD_IOPORT + 1) != 0x56 ||
        inw(TD_IOPORT + 2) != 0x1234) {
        test_fail("0xe0 reads %08x after writing 12345678", inl(TD_IOPORT));
    }
    outb(TD_IOPORT + 3, 0xab);
    if (inl(TD_IOPORT_BYTE) != 0xab345678) {
        test_fail("0xe8 reads %08x, want ab345678", inl(TD_IOPORT_BYTE));
    }
    /*
     * String I/O goes to one port: each byte of rep outsb lands in byte 0
     * of the register, the last one stays; rep insb reads it each time.
     */
    __asm__ volatile("cld\n\trep outsb"
                     : "+S"(p), "+c"(n)
                     : "d"(TD_IOPORT_BYTE)
                     : "memory");
    if (inl(TD_IOPORT) != 0xab345644) {
        test_fail("rep outsb to 0xe8 gave %08x, want ab345644", inl(TD_IOPORT));
    }
    outl(TD_IOPORT, 0xcafef00d);
    n = sizeof(in);
    __asm__ volatile("cld\n\trep insb"
                     : "+D"(q), "+c"(n)
                     : "d"(TD_IOPORT_BYTE)
                     : "memory");
    if (in[0] != 0x0d || in[3] != 0x0d) {
        test_fail("rep insb from 0xe8 gave %x %x, want 0d 0d", in[0], in[3]);
    }
    printf("pc-testdev: data register at 0xe0/0xe8 reads back\n");
}

static void check_iomem(void)
{
    mmio_write32(TD_IOMEM, 0xdeadbeef);
    if (mmio_read32(TD_IOMEM) != 0xdeadbeef ||
        mmio_read8(TD_IOMEM + 2) != 0xad) {
        test_fail("iomem reads %08x after writing deadbeef",
                  mmio_read32(TD_IOMEM));
    }
    /* Unaligned, and the last bytes. */
    mmio_write32(TD_IOMEM + 0x201, 0x11223344);
    if (mmio_read32(TD_IOMEM + 0x201) != 0x11223344 ||
        mmio_read8(TD_IOMEM + 0x204) != 0x11) {
        test_fail("iomem unaligned access reads %08x",
                  mmio_read32(TD_IOMEM + 0x201));
    }
    mmio_write8(TD_IOMEM + TD_IOMEM_SIZE - 1, 0x5a);
    if (mmio_read8(TD_IOMEM + TD_IOMEM_SIZE - 1) != 0x5a) {
        test_fail("iomem's last byte does not read back");
    }
    printf("pc-testdev: iomem at 0xff000000 reads back (bytes, dwords, "
           "unaligned)\n");
}

static void check_flush(void)
{
    static volatile uint32_t page[1024] __attribute__((aligned(4096)));

    page[7] = 0x600dcafe;
    outl(TD_FLUSH, (uint32_t)(uintptr_t)page);
    if (page[7] != 0x600dcafe) {
        test_fail("a flushed page lost its contents (%08x)", page[7]);
    }
    page[8] = 0x12345678;
    if (page[8] != 0x12345678) {
        test_fail("a flushed page cannot be written again");
    }
    printf("pc-testdev: flush-page port keeps the page\n");
}

static void check_irq(void)
{
    lapic_enable();
    isr_set_handler(PIC_VECTOR_BASE + TD_IRQ, td_irq);
    pic_unmask(TD_IRQ);
    irq_enable();
    outb(TD_IRQ_BASE + TD_IRQ, 1);
    if (!wait_count(&td_irqs, 1, IRQ_WAIT_MS)) {
        test_fail("no interrupt on IRQ %u after raising it at 0x%x", TD_IRQ,
                  TD_IRQ_BASE + TD_IRQ);
    }
    outb(TD_IRQ_BASE + TD_IRQ, 0);
    /* An edge each time the line goes up again. */
    outb(TD_IRQ_BASE + TD_IRQ, 1);
    if (!wait_count(&td_irqs, 2, IRQ_WAIT_MS)) {
        test_fail("no second interrupt on IRQ %u", TD_IRQ);
    }
    outb(TD_IRQ_BASE + TD_IRQ, 0);
    irq_disable();
    pic_mask(TD_IRQ);
    printf("pc-testdev: IRQ %u raised and lowered at 0x%x: %u interrupts\n",
           TD_IRQ, TD_IRQ_BASE + TD_IRQ, td_irqs);
}

/* ---- pci-testdev ---- */

static uint32_t pci_read(unsigned slot, unsigned reg)
{
    outl(PCI_CONFIG_ADDR, PCI_ENABLE | slot << 11 | reg);
    return inl(PCI_CONFIG_DATA);
}

static void pci_write(unsigned slot, unsigned reg, uint32_t val)
{
    outl(PCI_CONFIG_ADDR, PCI_ENABLE | slot << 11 | reg);
    outl(PCI_CONFIG_DATA, val);
}

/* A test's BAR: memory (base is an address) or ports. */
typedef struct TestBar {
    int is_io;
    uint32_t base;
} TestBar;

static uint8_t bar_readb(const TestBar *b, uint32_t off)
{
    return b->is_io ? inb(b->base + off) : mmio_read8(b->base + off);
}

static uint32_t bar_readl(const TestBar *b, uint32_t off)
{
    return b->is_io ? inl(b->base + off) : mmio_read32(b->base + off);
}

static void bar_writeb(const TestBar *b, uint32_t off, uint8_t val)
{
    if (b->is_io) {
        outb(b->base + off, val);
    } else {
        mmio_write8(b->base + off, val);
    }
}

/* kvm-unit-tests' pci_testdev_one(); returns the final count. */
static uint32_t run_test(const TestBar *b, unsigned n, char *name)
{
    uint32_t count, off;
    uint8_t sig;

    bar_writeb(b, HDR_TEST, n);
    if (bar_readl(b, HDR_COUNT) != 0 || bar_readb(b, HDR_WIDTH) != 1) {
        test_fail("test %u: count %u, width %u after selecting it", n,
                  bar_readl(b, HDR_COUNT), bar_readb(b, HDR_WIDTH));
    }
    for (int i = 0; i < NAME_MAX_LEN; i++) {
        name[i] = bar_readb(b, HDR_NAME + i);
        if (!name[i]) {
            break;
        }
    }
    name[NAME_MAX_LEN] = '\0';
    sig = bar_readl(b, HDR_DATA);
    off = bar_readl(b, HDR_OFFSET);
    for (int i = 0; i < NR_WRITES; i++) {
        bar_writeb(b, off, sig);
    }
    count = bar_readl(b, HDR_COUNT);
    printf("pci-testdev: %s: %u of %u writes reached the device\n", name, count,
           NR_WRITES);
    return count;
}

static void check_pci_testdev(void)
{
    static const char *const want[2][TESTS_PER_BAR] = {
        {"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd"},
        {"portio-no-eventfd", "portio-wildcard-eventfd",
         "portio-datamatch-eventfd"},
    };
    TestBar bars[2] = {{0, BAR0_ADDR}, {1, BAR1_PORT}};
    unsigned slot;
    char name[NAME_MAX_LEN + 1];

    for (slot = 0; slot < PCI_SLOTS; slot++) {
        if (pci_read(slot, PCI_ID) == TESTDEV_ID) {
            break;
        }
    }
    if (slot == PCI_SLOTS) {
        test_fail("no PCI device 1b36:0005 (-device pci-testdev)");
    }
    pci_write(slot, PCI_BAR0, BAR0_ADDR);
    pci_write(slot, PCI_BAR1, BAR1_PORT);
    pci_write(slot, PCI_COMMAND, PCI_CMD_IO_MEM);
    printf("pci-testdev: slot %u, BAR0 %08x, BAR1 %08x\n", slot,
           pci_read(slot, PCI_BAR0), pci_read(slot, PCI_BAR1));

    for (int b = 0; b < 2; b++) {
        for (unsigned n = 0; n < TESTS_PER_BAR; n++) {
            uint32_t count = run_test(&bars[b], n, name);

            if (strcmp(name, want[b][n])) {
                test_fail("test %u of BAR%d is '%s', want '%s'", n, b, name,
                          want[b][n]);
            }
            /* Without an eventfd every write counts; with one, KVM's. */
            if (count != (n == 0 ? NR_WRITES : 0)) {
                test_fail("%s counted %u writes, want %u", name, count,
                          n == 0 ? NR_WRITES : 0);
            }
        }
    }
}

void test_main(void)
{
    check_ioports();
    check_iomem();
    check_flush();
    check_irq();
    check_pci_testdev();
}

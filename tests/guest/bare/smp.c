/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "smp" (run with -smp 2): the BSP starts the AP with INIT-SIPI-SIPI
 * through its LAPIC ICR, the AP running a real-mode trampoline copied to
 * 0x8000 (SIPI vector 0x08) that enters protected mode.  The AP reports its
 * APIC ID and APIC base MSR, bumps a counter and sends the BSP a fixed IPI.
 */
#include "lib.h"

#define TRAMPOLINE_ADDR     0x8000u
#define TRAMPOLINE_PAGE     0x1000u
#define SIPI_VECTOR_SHIFT   12 /* vector = page number */
#define AP_APIC_ID          1
#define AP_COUNT            1
#define MAX_APS             4
#define STACK_ALIGN         16
#define IPI_VECTOR          0x50
#define SIPI_TRIES          2 /* INIT-SIPI-SIPI */
#define INIT_DELAY_MS       10
#define SIPI_DELAY_MS       1
#define AP_START_TIMEOUT_MS 5000
#define IPI_TIMEOUT_MS      2000
#define HVM_START_INFO_SIZE sizeof(struct hvm_start_info)
#define MEMMAP_ENTRY_SIZE   sizeof(struct hvm_memmap_table_entry)

const char test_name[] = "smp";

extern char ap_trampoline_start[];
extern char ap_trampoline_end[];
extern char ap_trampoline_progress[];

/* Used by trampoline.S. */
uint32_t ap_stack_next;
volatile uint32_t ap_progress;

static uint8_t ap_stacks[MAX_APS][AP_STACK_SIZE]
    __attribute__((aligned(STACK_ALIGN)));
static volatile uint32_t ap_count;
static volatile uint32_t ap_apic_id = ~0u;
static volatile uint32_t ap_apic_base;
static volatile uint32_t ipi_count;
static uint32_t bsp_apic_id;

void ap_main(void);
void ap_main(void)
{
    ap_progress = AP_PROGRESS_C;
    idt_load();
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    ap_apic_id = lapic_id();
    ap_apic_base = (uint32_t)rdmsr(MSR_IA32_APIC_BASE);
    __atomic_fetch_add(&ap_count, 1, __ATOMIC_SEQ_CST);
    lapic_send_ipi(bsp_apic_id,
                   LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | IPI_VECTOR);
}

static void ipi_irq(struct isr_frame *frame)
{
    (void)frame;
    ipi_count++;
    lapic_eoi();
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* The trampoline page must be RAM and clear of what the loader put there. */
static void check_trampoline_page(void)
{
    const struct hvm_start_info *si = start_info();
    const struct hvm_memmap_table_entry *map =
        (const void *)(uintptr_t)si->memmap_paddr;
    int in_ram = 0;

    if (overlaps(TRAMPOLINE_ADDR, TRAMPOLINE_PAGE, boot_ebx,
                 HVM_START_INFO_SIZE) ||
        overlaps(TRAMPOLINE_ADDR, TRAMPOLINE_PAGE, si->memmap_paddr,
                 si->memmap_entries * MEMMAP_ENTRY_SIZE) ||
        (si->cmdline_paddr &&
         overlaps(TRAMPOLINE_ADDR, TRAMPOLINE_PAGE, si->cmdline_paddr,
                  strlen((const char *)(uintptr_t)si->cmdline_paddr) + 1))) {
        test_fail("boot data overlaps the AP trampoline page %x",
                  TRAMPOLINE_ADDR);
    }
    for (uint32_t i = 0; si->version >= 1 && i < si->memmap_entries; i++) {
        if (map[i].type == HVM_MEMMAP_TYPE_RAM &&
            map[i].addr <= TRAMPOLINE_ADDR &&
            map[i].addr + map[i].size >= TRAMPOLINE_ADDR + TRAMPOLINE_PAGE) {
            in_ram = 1;
        }
    }
    if (!in_ram) {
        test_fail("AP trampoline page %x is not RAM in the memory map",
                  TRAMPOLINE_ADDR);
    }
}

static void start_ap(void)
{
    uint32_t len = ap_trampoline_end - ap_trampoline_start;
    volatile uint8_t *progress =
        (volatile uint8_t *)(uintptr_t)(TRAMPOLINE_ADDR +
                                        (ap_trampoline_progress -
                                         ap_trampoline_start));
    uint32_t sipi = LAPIC_ICR_STARTUP | LAPIC_ICR_ASSERT |
                    (TRAMPOLINE_ADDR >> SIPI_VECTOR_SHIFT);

    memcpy((void *)(uintptr_t)TRAMPOLINE_ADDR, ap_trampoline_start, len);
    ap_stack_next = (uint32_t)(uintptr_t)ap_stacks;

    printf("smp: INIT to APIC ID %u\n", AP_APIC_ID);
    if (!lapic_send_ipi(AP_APIC_ID, LAPIC_ICR_INIT | LAPIC_ICR_ASSERT)) {
        test_fail("ICR stays busy after INIT");
    }
    delay_ms(INIT_DELAY_MS);
    for (int i = 0; i < SIPI_TRIES && !ap_count; i++) {
        printf("smp: SIPI %d, vector %x\n", i + 1,
               TRAMPOLINE_ADDR >> SIPI_VECTOR_SHIFT);
        if (!lapic_send_ipi(AP_APIC_ID, sipi)) {
            test_fail("ICR stays busy after SIPI");
        }
        delay_ms(SIPI_DELAY_MS);
    }
    if (!wait_count(&ap_count, AP_COUNT, AP_START_TIMEOUT_MS)) {
        test_fail("AP did not start: real-mode trampoline %s, protected "
                  "mode %s, C %s",
                  *progress >= AP_PROGRESS_REAL_MODE ? "ran" : "never ran",
                  ap_progress >= AP_PROGRESS_PROTECTED_MODE ? "reached"
                                                            : "not reached",
                  ap_progress >= AP_PROGRESS_C ? "reached" : "not reached");
    }
}

void test_main(void)
{
    uint32_t bsp_base = (uint32_t)rdmsr(MSR_IA32_APIC_BASE);

    lapic_enable();
    bsp_apic_id = lapic_id();
    printf("smp: BSP APIC ID %u, APIC base MSR %08x\n", bsp_apic_id, bsp_base);
    if (!(bsp_base & APIC_BASE_BSP)) {
        test_fail("BSP's APIC base MSR %08x lacks the BSP flag", bsp_base);
    }
    isr_set_handler(IPI_VECTOR, ipi_irq);
    check_trampoline_page();
    irq_enable();
    start_ap();
    printf("smp: AP up: APIC ID %u, APIC base MSR %08x, %u AP(s)\n", ap_apic_id,
           ap_apic_base, ap_count);
    if (ap_apic_id != AP_APIC_ID) {
        test_fail("AP reports APIC ID %u, want %u", ap_apic_id, AP_APIC_ID);
    }
    if (ap_apic_base & APIC_BASE_BSP) {
        test_fail("AP's APIC base MSR %08x has the BSP flag", ap_apic_base);
    }
    if (!wait_count(&ipi_count, 1, IPI_TIMEOUT_MS)) {
        test_fail("no IPI from the AP at vector 0x%x", IPI_VECTOR);
    }
    irq_disable();
    printf("smp: IPI from the AP arrived at vector 0x%x\n", IPI_VECTOR);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82540EM (e1000) register offsets, bits and descriptor layouts, after
 * the PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's
 * Manual (8254x SDM), chapters 3 (descriptors), 5 (EEPROM), 8 (PHY) and 13
 * (registers).  Shared by the device model and its tests.
 */
#ifndef KEMU_HW_NET_E1000_REGS_H
#define KEMU_HW_NET_E1000_REGS_H

#include <stdint.h>

/* ---- PCI identity ---- */

#define E1000_VENDOR_ID        0x8086
#define E1000_DEV_ID_82540EM   0x100e
#define E1000_REVISION         0x03
#define E1000_SUBSYS_VENDOR_ID 0x8086
#define E1000_SUBSYS_ID        0x001e  /* PRO/1000 MT Desktop */
#define E1000_MMIO_SIZE        0x20000 /* BAR0: 128 KiB of registers */
#define E1000_IO_SIZE          0x40    /* BAR1: IOADDR/IODATA */

/* The other parts QEMU has (device IDs: SDM table 5-1; subsystems: pci.ids) */
#define E1000_DEV_ID_82544GC    0x100c /* 82544GC copper */
#define E1000_SUBSYS_ID_82544GC 0x1112 /* PRO/1000 T Desktop */
#define E1000_DEV_ID_82545EM    0x100f /* 82545EM copper */
#define E1000_SUBSYS_ID_82545EM 0x1001 /* PRO/1000 MT Server */

/* BAR1 (I/O): indirect access to the BAR0 registers */
#define E1000_IOADDR 0x00
#define E1000_IODATA 0x04

/* ---- Register offsets in BAR0 ---- */

#define E1000_CTRL     0x00000 /* Device Control */
#define E1000_STATUS   0x00008 /* Device Status (RO) */
#define E1000_EECD     0x00010 /* EEPROM/Flash Control */
#define E1000_EERD     0x00014 /* EEPROM Read */
#define E1000_CTRL_EXT 0x00018 /* Extended Device Control */
#define E1000_FLA      0x0001c /* Flash Access */
#define E1000_MDIC     0x00020 /* MDI Control */
#define E1000_FCAL     0x00028 /* Flow Control Address Low */
#define E1000_FCAH     0x0002c /* Flow Control Address High */
#define E1000_FCT      0x00030 /* Flow Control Type */
#define E1000_VET      0x00038 /* VLAN Ether Type */
#define E1000_ICR      0x000c0 /* Interrupt Cause Read (read-to-clear) */
#define E1000_ITR      0x000c4 /* Interrupt Throttling Rate */
#define E1000_ICS      0x000c8 /* Interrupt Cause Set (WO) */
#define E1000_IMS      0x000d0 /* Interrupt Mask Set/Read */
#define E1000_IMC      0x000d8 /* Interrupt Mask Clear (WO) */
#define E1000_RCTL     0x00100 /* Receive Control */
#define E1000_FCTTV    0x00170 /* Flow Control Transmit Timer Value */
#define E1000_TXCW     0x00178 /* Transmit Configuration Word */
#define E1000_RXCW     0x00180 /* Receive Configuration Word */
#define E1000_TCTL     0x00400 /* Transmit Control */
#define E1000_TIPG     0x00410 /* Transmit Inter-Packet Gap */
#define E1000_AIT      0x00458 /* Adaptive IFS Throttle */
#define E1000_LEDCTL   0x00e00 /* LED Control */
#define E1000_PBA      0x01000 /* Packet Buffer Allocation */
#define E1000_FCRTL    0x02160 /* Flow Control Receive Threshold Low */
#define E1000_FCRTH    0x02168 /* Flow Control Receive Threshold High */
#define E1000_RDFH     0x02410 /* RX Data FIFO Head */
#define E1000_RDFT     0x02418 /* RX Data FIFO Tail */
#define E1000_RDFHS    0x02420 /* RX Data FIFO Head Saved */
#define E1000_RDFTS    0x02428 /* RX Data FIFO Tail Saved */
#define E1000_RDFPC    0x02430 /* RX Data FIFO Packet Count */
#define E1000_RDBAL    0x02800 /* RX Descriptor Base Address Low */
#define E1000_RDBAH    0x02804 /* RX Descriptor Base Address High */
#define E1000_RDLEN    0x02808 /* RX Descriptor Length */
#define E1000_RDH      0x02810 /* RX Descriptor Head */
#define E1000_RDT      0x02818 /* RX Descriptor Tail */
#define E1000_RDTR     0x02820 /* RX Delay Timer */
#define E1000_RXDCTL   0x02828 /* RX Descriptor Control */
#define E1000_RADV     0x0282c /* RX Interrupt Absolute Delay Timer */
#define E1000_RSRPD    0x02c00 /* RX Small Packet Detect */
#define E1000_TXDMAC   0x03000 /* TX DMA Control */
#define E1000_TDFH     0x03410 /* TX Data FIFO Head */
#define E1000_TDFT     0x03418 /* TX Data FIFO Tail */
#define E1000_TDFHS    0x03420 /* TX Data FIFO Head Saved */
#define E1000_TDFTS    0x03428 /* TX Data FIFO Tail Saved */
#define E1000_TDFPC    0x03430 /* TX Data FIFO Packet Count */
#define E1000_TDBAL    0x03800 /* TX Descriptor Base Address Low */
#define E1000_TDBAH    0x03804 /* TX Descriptor Base Address High */
#define E1000_TDLEN    0x03808 /* TX Descriptor Length */
#define E1000_TDH      0x03810 /* TX Descriptor Head */
#define E1000_TDT      0x03818 /* TX Descriptor Tail */
#define E1000_TIDV     0x03820 /* TX Interrupt Delay Value */
#define E1000_TXDCTL   0x03828 /* TX Descriptor Control */
#define E1000_TADV     0x0382c /* TX Interrupt Absolute Delay Value */
#define E1000_TSPMT    0x03830 /* TCP Segmentation PAD and Min Threshold */

/* Statistics (0x04000-0x040fc): all clear when read (SDM 13.7) */
#define E1000_STATS_FIRST 0x04000
#define E1000_CRCERRS     0x04000 /* CRC Error Count */
#define E1000_ALGNERRC    0x04004 /* Alignment Error Count */
#define E1000_SYMERRS     0x04008 /* Symbol Error Count */
#define E1000_RXERRC      0x0400c /* Receive Error Count */
#define E1000_MPC         0x04010 /* Missed Packets Count */
#define E1000_SCC         0x04014 /* Single Collision Count */
#define E1000_ECOL        0x04018 /* Excessive Collision Count */
#define E1000_MCC         0x0401c /* Multiple Collision Count */
#define E1000_LATECOL     0x04020 /* Late Collision Count */
#define E1000_COLC        0x04028 /* Collision Count */
#define E1000_DC          0x04030 /* Defer Count */
#define E1000_TNCRS       0x04034 /* TX-No CRS */
#define E1000_SEC         0x04038 /* Sequence Error Count */
#define E1000_CEXTERR     0x0403c /* Carrier Extension Error Count */
#define E1000_RLEC        0x04040 /* Receive Length Error Count */
#define E1000_XONRXC      0x04048 /* XON RX Count */
#define E1000_XONTXC      0x0404c /* XON TX Count */
#define E1000_XOFFRXC     0x04050 /* XOFF RX Count */
#define E1000_XOFFTXC     0x04054 /* XOFF TX Count */
#define E1000_FCRUC       0x04058 /* Flow Control RX Unsupported Count */
#define E1000_PRC64       0x0405c /* Packets RX (64 bytes) */
#define E1000_PRC127      0x04060 /* Packets RX (65-127 bytes) */
#define E1000_PRC255      0x04064 /* Packets RX (128-255 bytes) */
#define E1000_PRC511      0x04068 /* Packets RX (256-511 bytes) */
#define E1000_PRC1023     0x0406c /* Packets RX (512-1023 bytes) */
#define E1000_PRC1522     0x04070 /* Packets RX (1024-1522 bytes) */
#define E1000_GPRC        0x04074 /* Good Packets RX Count */
#define E1000_BPRC        0x04078 /* Broadcast Packets RX Count */
#define E1000_MPRC        0x0407c /* Multicast Packets RX Count */
#define E1000_GPTC        0x04080 /* Good Packets TX Count */
#define E1000_GORCL       0x04088 /* Good Octets RX Count Low */
#define E1000_GORCH       0x0408c /* Good Octets RX Count High */
#define E1000_GOTCL       0x04090 /* Good Octets TX Count Low */
#define E1000_GOTCH       0x04094 /* Good Octets TX Count High */
#define E1000_RNBC        0x040a0 /* RX No Buffers Count */
#define E1000_RUC         0x040a4 /* RX Undersize Count */
#define E1000_RFC         0x040a8 /* RX Fragment Count */
#define E1000_ROC         0x040ac /* RX Oversize Count */
#define E1000_RJC         0x040b0 /* RX Jabber Count */
#define E1000_MGTPRC      0x040b4 /* Management Packets RX Count */
#define E1000_MGTPDC      0x040b8 /* Management Packets Dropped Count */
#define E1000_MGTPTC      0x040bc /* Management Packets TX Count */
#define E1000_TORL        0x040c0 /* Total Octets RX Low */
#define E1000_TORH        0x040c4 /* Total Octets RX High */
#define E1000_TOTL        0x040c8 /* Total Octets TX Low */
#define E1000_TOTH        0x040cc /* Total Octets TX High */
#define E1000_TPR         0x040d0 /* Total Packets RX */
#define E1000_TPT         0x040d4 /* Total Packets TX */
#define E1000_PTC64       0x040d8 /* Packets TX (64 bytes) */
#define E1000_PTC127      0x040dc /* Packets TX (65-127 bytes) */
#define E1000_PTC255      0x040e0 /* Packets TX (128-255 bytes) */
#define E1000_PTC511      0x040e4 /* Packets TX (256-511 bytes) */
#define E1000_PTC1023     0x040e8 /* Packets TX (512-1023 bytes) */
#define E1000_PTC1522     0x040ec /* Packets TX (1024-1522 bytes) */
#define E1000_MPTC        0x040f0 /* Multicast Packets TX Count */
#define E1000_BPTC        0x040f4 /* Broadcast Packets TX Count */
#define E1000_TSCTC       0x040f8 /* TCP Segmentation Context TX */
#define E1000_TSCTFC      0x040fc /* TCP Segmentation Context TX Fail */
#define E1000_STATS_LAST  0x040fc

#define E1000_RXCSUM     0x05000 /* RX Checksum Control */
#define E1000_MTA        0x05200 /* Multicast Table Array (128 words) */
#define E1000_MTA_WORDS  128
#define E1000_RA         0x05400 /* Receive Address: RAL/RAH pairs */
#define E1000_RA_ENTRIES 16
#define E1000_RAL(n)     (E1000_RA + 8 * (n))
#define E1000_RAH(n)     (E1000_RA + 8 * (n) + 4)
#define E1000_VFTA       0x05600 /* VLAN Filter Table Array (128 words) */
#define E1000_VFTA_WORDS 128
#define E1000_WUC        0x05800 /* Wakeup Control */
#define E1000_WUFC       0x05808 /* Wakeup Filter Control */
#define E1000_WUS        0x05810 /* Wakeup Status */
#define E1000_MANC       0x05820 /* Management Control */
#define E1000_IPAV       0x05838 /* IP Address Valid */
#define E1000_IP4AT      0x05840 /* IPv4 Address Table (7 entries, stride 8) */
#define E1000_IP6AT      0x05880 /* IPv6 Address Table (4 words) */
#define E1000_WUPL       0x05900 /* Wakeup Packet Length */
#define E1000_WUPM       0x05a00 /* Wakeup Packet Memory (32 words) */
#define E1000_SWSM       0x05b50 /* Software Semaphore */
#define E1000_FFLT       0x05f00 /* Flexible Filter Length (4, stride 8) */
#define E1000_REG_END    0x06000 /* registers live below this offset */

/* ---- Register bits ---- */

/* CTRL */
#define E1000_CTRL_FD       0x00000001
#define E1000_CTRL_LRST     0x00000008
#define E1000_CTRL_ASDE     0x00000020
#define E1000_CTRL_SLU      0x00000040
#define E1000_CTRL_ILOS     0x00000080
#define E1000_CTRL_SPD_1000 0x00000200
#define E1000_CTRL_FRCSPD   0x00000800
#define E1000_CTRL_FRCDPX   0x00001000
#define E1000_CTRL_SWDPIN0  0x00040000
#define E1000_CTRL_SWDPIN2  0x00100000
#define E1000_CTRL_RST      0x04000000 /* software reset, self-clearing */
#define E1000_CTRL_RFCE     0x08000000
#define E1000_CTRL_TFCE     0x10000000
#define E1000_CTRL_VME      0x40000000 /* VLAN mode: insert and strip tags */
#define E1000_CTRL_PHY_RST  0x80000000

/* STATUS */
#define E1000_STATUS_FD                0x00000001
#define E1000_STATUS_LU                0x00000002
#define E1000_STATUS_TXOFF             0x00000010
#define E1000_STATUS_SPEED_1000        0x00000080
#define E1000_STATUS_ASDV              0x00000300
#define E1000_STATUS_MTXCKOK           0x00000400
#define E1000_STATUS_GIO_MASTER_ENABLE 0x00080000

/* EECD: the Microwire EEPROM's pins, bit-banged by the driver */
#define E1000_EECD_SK       0x00000001 /* clock */
#define E1000_EECD_CS       0x00000002 /* chip select */
#define E1000_EECD_DI       0x00000004 /* data into the EEPROM */
#define E1000_EECD_DO       0x00000008 /* data out of the EEPROM */
#define E1000_EECD_FWE_MASK 0x00000030
#define E1000_EECD_REQ      0x00000040 /* software asks for the EEPROM */
#define E1000_EECD_GNT      0x00000080 /* ... and is granted it */
#define E1000_EECD_PRES     0x00000100 /* EEPROM present */
#define E1000_EECD_SIZE     0x00000200 /* 0: 64 words (6 address bits) */

/* EERD */
#define E1000_EERD_START      0x00000001
#define E1000_EERD_DONE       0x00000010
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16

/* MDIC */
#define E1000_MDIC_DATA_MASK 0x0000ffff
#define E1000_MDIC_REG_SHIFT 16
#define E1000_MDIC_REG_MASK  0x001f0000
#define E1000_MDIC_PHY_SHIFT 21
#define E1000_MDIC_PHY_MASK  0x03e00000
#define E1000_MDIC_OP_WRITE  0x04000000
#define E1000_MDIC_OP_READ   0x08000000
#define E1000_MDIC_READY     0x10000000
#define E1000_MDIC_INT_EN    0x20000000
#define E1000_MDIC_ERROR     0x40000000
#define E1000_PHY_ADDR       1 /* the internal PHY's MDIO address */

/* ICR / ICS / IMS / IMC */
#define E1000_ICR_TXDW    0x00000001 /* TX descriptor written back */
#define E1000_ICR_TXQE    0x00000002 /* TX queue empty */
#define E1000_ICR_LSC     0x00000004 /* link status change */
#define E1000_ICR_RXSEQ   0x00000008 /* RX sequence error */
#define E1000_ICR_RXDMT0  0x00000010 /* RX descriptors below threshold */
#define E1000_ICR_RXO     0x00000040 /* RX overrun */
#define E1000_ICR_RXT0    0x00000080 /* RX timer interrupt */
#define E1000_ICR_MDAC    0x00000200 /* MDIC access complete */
#define E1000_ICR_RXCFG   0x00000400
#define E1000_ICR_GPI_EN0 0x00000800
#define E1000_ICR_TXD_LOW 0x00008000
#define E1000_ICR_SRPD    0x00010000
#define E1000_ICR_VALID   0x0001fedf /* the causes the 82540EM has */

/* RCTL */
#define E1000_RCTL_EN          0x00000002
#define E1000_RCTL_SBP         0x00000004 /* store bad packets */
#define E1000_RCTL_UPE         0x00000008 /* unicast promiscuous */
#define E1000_RCTL_MPE         0x00000010 /* multicast promiscuous */
#define E1000_RCTL_LPE         0x00000020 /* long packets */
#define E1000_RCTL_LBM_MASK    0x000000c0
#define E1000_RCTL_LBM_MAC     0x00000040 /* MAC loopback */
#define E1000_RCTL_RDMTS_SHIFT 8          /* 0: 1/2, 1: 1/4, 2: 1/8 of ring */
#define E1000_RCTL_RDMTS_MASK  0x00000300
#define E1000_RCTL_MO_SHIFT    12 /* multicast offset: which address bits */
#define E1000_RCTL_MO_MASK     0x00003000
#define E1000_RCTL_BAM         0x00008000 /* accept broadcast */
#define E1000_RCTL_BSIZE_SHIFT 16
#define E1000_RCTL_BSIZE_MASK  0x00030000
#define E1000_RCTL_SZ_2048     0x00000000
#define E1000_RCTL_SZ_1024     0x00010000
#define E1000_RCTL_SZ_512      0x00020000
#define E1000_RCTL_SZ_256      0x00030000
#define E1000_RCTL_SZ_16384    0x00010000 /* with BSEX */
#define E1000_RCTL_SZ_8192     0x00020000 /* with BSEX */
#define E1000_RCTL_SZ_4096     0x00030000 /* with BSEX */
#define E1000_RCTL_VFE         0x00040000 /* VLAN filter enable */
#define E1000_RCTL_BSEX        0x02000000 /* buffer size extension (x16) */
#define E1000_RCTL_SECRC       0x04000000 /* strip the Ethernet CRC */

/* RDTR / TIDV: flush partial descriptor block */
#define E1000_RDTR_FPD 0x80000000
#define E1000_TIDV_FPD 0x80000000

/* RXCSUM */
#define E1000_RXCSUM_IPOFL 0x00000100
#define E1000_RXCSUM_TUOFL 0x00000200

/* TCTL */
#define E1000_TCTL_EN   0x00000002
#define E1000_TCTL_PSP  0x00000008
#define E1000_TCTL_CT   0x00000ff0
#define E1000_TCTL_COLD 0x003ff000

/* RAH */
#define E1000_RAH_AV      0x80000000 /* address valid */
#define E1000_RAH_AS_MASK 0x00030000 /* 0: match the destination */

/* Interrupt delay units */
#define E1000_DELAY_UNIT_NS 1024 /* RDTR, RADV, TIDV, TADV */
#define E1000_ITR_UNIT_NS   256

/* ---- Descriptors (little-endian in guest memory, 16 bytes each) ---- */

/* Legacy and data transmit descriptors. */
typedef struct E1000TxDesc {
    uint64_t buffer_addr;
    uint32_t lower; /* length, CSO/DTYP, CMD */
    uint32_t upper; /* STATUS, CSS/POPTS, special (VLAN) */
} E1000TxDesc;

/* Transmit context descriptor. */
typedef struct E1000TxContextDesc {
    uint8_t ipcss;           /* IP checksum start */
    uint8_t ipcso;           /* IP checksum offset */
    uint16_t ipcse;          /* IP checksum end (inclusive; 0: packet end) */
    uint8_t tucss;           /* TCP/UDP checksum start */
    uint8_t tucso;           /* TCP/UDP checksum offset */
    uint16_t tucse;          /* TCP/UDP checksum end */
    uint32_t cmd_and_length; /* PAYLEN 19:0, DTYP 23:20, TUCMD 31:24 */
    uint8_t status;
    uint8_t hdr_len; /* TSO: header bytes copied to each segment */
    uint16_t mss;    /* TSO: payload bytes per segment */
} E1000TxContextDesc;

/* TX descriptor lower dword */
#define E1000_TXD_LEGACY_LEN_MASK 0x0000ffff
#define E1000_TXD_DATA_LEN_MASK   0x000fffff
#define E1000_TXD_CSO_SHIFT       16         /* legacy: checksum offset */
#define E1000_TXD_DTYP_D          0x00100000 /* data descriptor */
#define E1000_TXD_DTYP_C          0x00000000 /* context descriptor */
#define E1000_TXD_CMD_EOP         0x01000000 /* end of packet */
#define E1000_TXD_CMD_IFCS        0x02000000 /* insert FCS */
#define E1000_TXD_CMD_IC          0x04000000 /* legacy: insert checksum */
#define E1000_TXD_CMD_TSE         0x04000000 /* data: TCP segmentation */
#define E1000_TXD_CMD_RS          0x08000000 /* report status */
#define E1000_TXD_CMD_RPS         0x10000000 /* report packet sent */
#define E1000_TXD_CMD_DEXT        0x20000000 /* extended (context/data) */
#define E1000_TXD_CMD_VLE         0x40000000 /* insert the VLAN tag */
#define E1000_TXD_CMD_IDE         0x80000000 /* interrupt delay enable */
/* Context descriptor TUCMD (cmd_and_length) */
#define E1000_TXD_CMD_TCP 0x01000000 /* TCP (else UDP) */
#define E1000_TXD_CMD_IP  0x02000000 /* IPv4 (else IPv6) */
/* E1000_TXD_CMD_TSE, _RS, _DEXT and _IDE sit at the same bits there */
#define E1000_TXD_PAYLEN_MASK 0x000fffff

/* TX descriptor upper dword */
#define E1000_TXD_STAT_DD       0x00000001 /* descriptor done */
#define E1000_TXD_STAT_EC       0x00000002
#define E1000_TXD_STAT_LC       0x00000004
#define E1000_TXD_STAT_TU       0x00000008
#define E1000_TXD_CSS_SHIFT     8    /* legacy: checksum start */
#define E1000_TXD_POPTS_SHIFT   8    /* data: packet options */
#define E1000_TXD_POPTS_IXSM    0x01 /* insert the IPv4 checksum */
#define E1000_TXD_POPTS_TXSM    0x02 /* insert the TCP/UDP checksum */
#define E1000_TXD_SPECIAL_SHIFT 16

/* Receive descriptor. */
typedef struct E1000RxDesc {
    uint64_t buffer_addr;
    uint16_t length;
    uint16_t csum;
    uint8_t status;
    uint8_t errors;
    uint16_t special; /* the stripped VLAN tag */
} E1000RxDesc;

#define E1000_RXD_STAT_DD    0x01 /* descriptor done */
#define E1000_RXD_STAT_EOP   0x02 /* end of packet */
#define E1000_RXD_STAT_IXSM  0x04 /* ignore checksum indication */
#define E1000_RXD_STAT_VP    0x08 /* VLAN tag stripped into special */
#define E1000_RXD_STAT_TCPCS 0x20
#define E1000_RXD_STAT_IPCS  0x40
#define E1000_RXD_ERR_RXE    0x80 /* RX data error */

/* ---- EEPROM (SDM 5.6) ---- */

#define E1000_EEPROM_WORDS        64
#define E1000_EEPROM_CHECKSUM_REG 0x3f
#define E1000_EEPROM_SUM          0xbaba /* words 0..0x3f add up to this */
#define E1000_EEPROM_READ_OPCODE  0x6    /* Microwire: start bit + "10" */
#define E1000_EEPROM_ADDR_BITS    6

/* ---- PHY (Marvell 88E1011, SDM 8.1) ---- */

#define E1000_PHY_REGS        32
#define MII_BMCR              0x00
#define MII_BMSR              0x01
#define MII_PHYID1            0x02
#define MII_PHYID2            0x03
#define MII_ANAR              0x04
#define MII_ANLPAR            0x05
#define MII_ANER              0x06
#define MII_ANNP              0x07
#define MII_ANLPRNP           0x08
#define MII_CTRL1000          0x09
#define MII_STAT1000          0x0a
#define MII_EXTSTAT           0x0f
#define M88_PHY_SPEC_CTRL     0x10
#define M88_PHY_SPEC_STATUS   0x11
#define M88_INT_ENABLE        0x12
#define M88_INT_STATUS        0x13
#define M88_EXT_PHY_SPEC_CTRL 0x14
#define M88_RX_ERR_CNTR       0x15
#define M88_PHY_PAGE_SELECT   0x1d
#define M88_PHY_PAGE_DATA     0x1e

#define MII_BMCR_SPEED1000 0x0040
#define MII_BMCR_FD        0x0100
#define MII_BMCR_ANRESTART 0x0200
#define MII_BMCR_ISOLATE   0x0400
#define MII_BMCR_PDOWN     0x0800
#define MII_BMCR_AUTOEN    0x1000
#define MII_BMCR_SPEED100  0x2000
#define MII_BMCR_LOOPBACK  0x4000
#define MII_BMCR_RESET     0x8000

#define MII_BMSR_EXTCAP   0x0001
#define MII_BMSR_LINK_ST  0x0004
#define MII_BMSR_AUTONEG  0x0008
#define MII_BMSR_AN_COMP  0x0020
#define MII_BMSR_MFPS     0x0040
#define MII_BMSR_EXTSTAT  0x0100
#define MII_BMSR_10T_HD   0x0800
#define MII_BMSR_10T_FD   0x1000
#define MII_BMSR_100TX_HD 0x2000
#define MII_BMSR_100TX_FD 0x4000

#define MII_ANLPAR_ACK 0x4000

#define E1000_PHY_ID1       0x0141 /* Marvell OUI */
#define E1000_PHY_ID2       0x0c20 /* 88E1011 as in the 82540EM and 82545EM */
#define E1000_PHY_ID2_82544 0x0c30 /* the 82544's integrated 88E1000 */

/* Autonegotiation takes this long on the virtual clock. */
#define E1000_AUTONEG_NS (500 * 1000 * 1000LL)

#endif
